package io.conclave.storage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link Disk} shares; run once per implementation. */
abstract class DiskContract {

    abstract Disk disk() throws IOException;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(FileHandle h) throws IOException {
        byte[] b = new byte[(int) h.size()];
        h.readFully(0, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void appendsWritesAndTruncationsAreReadBack() throws IOException {
        Disk d = disk();
        d.mkdirs("a/b");
        try (FileHandle h = d.open("a/b/f", OpenMode.CREATE)) {
            assertThat(h.append(bytes("hello"), 0, 5)).isZero();
            assertThat(h.append(bytes(" world"), 0, 6)).isEqualTo(5);
            h.write(0, bytes("J"), 0, 1);
            assertThat(read(h)).isEqualTo("Jello world");
            h.truncate(5);
            assertThat(h.size()).isEqualTo(5);
            h.write(7, bytes("x"), 0, 1);
            byte[] b = new byte[8];
            assertThat(h.read(0, b, 0, 8)).isEqualTo(8);
            assertThat(b[5]).isZero();
            assertThat(h.read(8, b, 0, 8)).isZero();
            h.sync();
        }
    }

    @Test
    void listIsSortedAndShowsDirectoriesAndFiles() throws IOException {
        Disk d = disk();
        d.mkdirs("x/sub");
        for (String n : new String[] {"c", "a", "b"}) {
            d.open("x/" + n, OpenMode.CREATE).close();
        }
        assertThat(d.list("x")).containsExactly("a", "b", "c", "sub");
        assertThat(d.list("missing")).isEmpty();
        assertThat(d.exists("x/a")).isTrue();
        assertThat(d.delete("x/a")).isTrue();
        assertThat(d.delete("x/a")).isFalse();
        assertThat(d.exists("x/a")).isFalse();
    }

    @Test
    void renameReplacesTheTargetAtomically() throws IOException {
        Disk d = disk();
        try (FileHandle h = d.open("t", OpenMode.CREATE)) {
            h.append(bytes("new"), 0, 3);
        }
        try (FileHandle h = d.open("f", OpenMode.CREATE)) {
            h.append(bytes("old"), 0, 3);
        }
        d.rename("t", "f");
        d.syncDir("");
        assertThat(d.exists("t")).isFalse();
        try (FileHandle h = d.open("f", OpenMode.READ)) {
            assertThat(read(h)).isEqualTo("new");
        }
    }

    @Test
    void openModesAreEnforced() throws IOException {
        Disk d = disk();
        assertThatThrownBy(() -> d.open("nope", OpenMode.READ_WRITE)).isInstanceOf(IOException.class);
        d.open("f", OpenMode.CREATE_NEW).close();
        assertThatThrownBy(() -> d.open("f", OpenMode.CREATE_NEW)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> d.open("../escape", OpenMode.CREATE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.usableBytes()).isPositive();
    }

    @Test
    void mkdirsDurableCreatesEveryMissingLevel() throws IOException {
        Disk d = disk();
        d.mkdirs("a");
        d.mkdirsDurable("a/b/c");
        assertThat(d.list("a/b")).containsExactly("c");
        d.mkdirsDurable("a/b/c");
        d.open("a/b/c/f", OpenMode.CREATE_NEW).close();
    }
}
