package io.conclave.storage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimDiskTest extends DiskContract {

    @Override
    Disk disk() {
        return new SimDisk(1);
    }

    @Test
    void syncedBytesSurviveACrashAndUnsyncedOnesMayNot() throws IOException {
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            SimDisk d = new SimDisk(seed);
            try (FileHandle h = d.open("f", OpenMode.CREATE)) {
                d.syncDir("");
                h.append(bytes("durable"), 0, 7);
                h.sync();
                h.append(bytes("AB"), 0, 2);
                h.append(bytes("CD"), 0, 2);
            }
            SimDisk after = d.crash();
            try (FileHandle h = after.open("f", OpenMode.READ)) {
                String s = read(h);
                assertThat(s).startsWith("durable");
                assertThat("durableABCD").startsWith(s);
                seen.add(s);
            }
        }
        assertThat(seen).contains("durable", "durableA", "durableAB", "durableABC", "durableABCD");
    }

    @Test
    void anUnsyncedCreateMayBeLostButASyncedOneIsKept() throws IOException {
        boolean lost = false;
        for (long seed = 0; seed < 50; seed++) {
            SimDisk d = new SimDisk(seed);
            d.mkdirs("d");
            d.open("d/kept", OpenMode.CREATE).close();
            d.syncDir("d");
            d.open("d/maybe", OpenMode.CREATE).close();
            SimDisk after = d.crash();
            assertThat(after.exists("d/kept")).isTrue();
            lost |= !after.exists("d/maybe");
        }
        assertThat(lost).isTrue();
    }

    @Test
    void renameIsEitherDoneOrNotAfterACrash() throws IOException {
        for (long seed = 0; seed < 50; seed++) {
            SimDisk d = new SimDisk(seed);
            try (FileHandle h = d.open("f", OpenMode.CREATE)) {
                h.append(bytes("old"), 0, 3);
                h.sync();
            }
            d.syncDir("");
            try (FileHandle h = d.open("tmp", OpenMode.CREATE)) {
                h.append(bytes("new"), 0, 3);
                h.sync();
            }
            d.rename("tmp", "f");
            SimDisk after = d.crash();
            try (FileHandle h = after.open("f", OpenMode.READ)) {
                assertThat(read(h)).isIn("old", "new");
            }
        }
    }

    @Test
    void theOldDiskIsDeadAfterACrash() throws IOException {
        SimDisk d = new SimDisk(3);
        FileHandle h = d.open("f", OpenMode.CREATE);
        d.crash();
        assertThatThrownBy(() -> h.append(bytes("x"), 0, 1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> d.open("g", OpenMode.CREATE)).hasMessageContaining("crashed");
    }

    @Test
    void aFullDiskRefusesWritesWithAClearMessageUntilSpaceIsFreed() throws IOException {
        SimDisk d = new SimDisk(4);
        d.setCapacityBytes(10);
        try (FileHandle filler = d.open("filler", OpenMode.CREATE); FileHandle h = d.open("f", OpenMode.CREATE)) {
            filler.append(new byte[8], 0, 8);
            assertThatThrownBy(() -> h.append(new byte[5], 0, 5))
                    .isInstanceOf(DiskFullException.class)
                    .hasMessageContaining("f").hasMessageContaining("5 bytes").hasMessageContaining("2 bytes free");
            assertThat(h.size()).isZero();
        }
        d.delete("filler");
        try (FileHandle h = d.open("f", OpenMode.READ_WRITE)) {
            h.append(new byte[5], 0, 5);
        }
        assertThat(d.usedBytes()).isEqualTo(5);
    }

    @Test
    void faultsCorruptReadsAndCutFiles() throws IOException {
        SimDisk d = new SimDisk(5);
        try (FileHandle h = d.open("f", OpenMode.CREATE)) {
            h.append(new byte[100], 0, 100);
            h.sync();
            long pos = d.flipBit("f");
            byte[] b = new byte[100];
            h.readFully(0, b, 0, 100);
            assertThat(b[(int) pos]).isNotZero();
            d.cutFile("f", 40);
            assertThat(h.size()).isEqualTo(40);
            d.failReads("f");
            assertThatThrownBy(() -> h.read(0, b, 0, 1)).hasMessageContaining("read error");
            d.healReads("f");
            assertThat(h.read(0, b, 0, 1)).isEqualTo(1);
        }
        SimDisk after = d.crash();
        try (FileHandle h = after.open("f", OpenMode.READ)) {
            assertThat(h.size()).isEqualTo(40);
        }
    }

    @Test
    void countersCountFsyncsAndBytesAndTheLatencyIsReadable() throws IOException {
        SimDisk d = new SimDisk(6);
        d.setFsyncLatencyNs(2_000_000);
        try (FileHandle h = d.open("f", OpenMode.CREATE)) {
            h.append(new byte[10], 0, 10);
            h.sync();
            d.syncDir("");
        }
        assertThat(d.fsyncCount()).isEqualTo(2);
        assertThat(d.bytesWritten()).isEqualTo(10);
        assertThat(d.fsyncLatencyNs()).isEqualTo(2_000_000);
    }

    @Test
    void theSameSeedCrashesTheSameWay() throws IOException {
        assertThat(crashedContent(42)).isEqualTo(crashedContent(42));
    }

    private static String crashedContent(long seed) throws IOException {
        SimDisk d = new SimDisk(seed);
        try (FileHandle h = d.open("f", OpenMode.CREATE)) {
            d.syncDir("");
            for (int i = 0; i < 20; i++) {
                h.append(bytes("record-" + i + ";"), 0, bytes("record-" + i + ";").length);
            }
        }
        try (FileHandle h = d.crash().open("f", OpenMode.READ)) {
            return read(h);
        }
    }

    @Test
    void backgroundWritebackMakesTheOldestUnsyncedWritesDurable() throws IOException {
        for (long seed = 0; seed < 20; seed++) {
            SimDisk d = new SimDisk(seed);
            d.setPendingOpsMax(2);
            try (FileHandle h = d.open("f", OpenMode.CREATE)) {
                d.syncDir("");
                for (String s : new String[] {"a", "b", "c"}) {
                    h.append(bytes(s), 0, 1);
                }
            }
            try (FileHandle h = d.crash().open("f", OpenMode.READ)) {
                assertThat(read(h)).startsWith("a");
            }
        }
    }

    @Test
    void mkdirsDurableSyncsTheParentOfEachNewDirectory() throws IOException {
        SimDisk d = new SimDisk(8);
        d.mkdirs("a");
        d.mkdirsDurable("a/b/c");
        assertThat(d.dirSyncCount()).isEqualTo(2);
        d.mkdirsDurable("a/b/c");
        assertThat(d.dirSyncCount()).isEqualTo(2);
    }
}
