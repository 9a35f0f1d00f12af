package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The node's record in its data directory: what survives a crash, and a damaged record refused. */
class NodeMetaTest {

    private static final String ROOT = "node";
    private static final String FILE = "node/node.meta";

    @Test
    void destroyedGroupsAreDurableBeforeTheCallReturnsAndSurviveARestart() throws IOException {
        SimDisk disk = new SimDisk(1);
        NodeMeta first = NodeMeta.startNewIncarnation(disk, ROOT, 100);
        first.addDestroyed(7);
        first.addRejoining(Set.of(9L));

        SimDisk afterCrash = disk.crash();
        NodeMeta next = NodeMeta.startNewIncarnation(afterCrash, ROOT, 100);

        assertThat(next.incarnation()).isEqualTo(first.incarnation() + 1);
        assertThat(next.destroyed()).containsExactly(7L);
        assertThat(next.rejoining()).containsExactly(9L);
        next.forgetDestroyed(Set.of(7L));
        assertThat(NodeMeta.startNewIncarnation(afterCrash.crash(), ROOT, 100).destroyed()).isEmpty();
    }

    @Test
    void aRecordWithAFlippedBitIsRefused() throws IOException {
        SimDisk disk = new SimDisk(2);
        NodeMeta.startNewIncarnation(disk, ROOT, 100).addDestroyed(1000003);
        disk.flipBit(FILE);

        assertThatThrownBy(() -> NodeMeta.startNewIncarnation(disk, ROOT, 100)).isInstanceOf(IOException.class)
                .hasMessageContaining("node.meta is damaged");
    }

    @Test
    void aCutRecordIsRefusedEvenWhereWhatIsLeftReadsWell() throws IOException {
        SimDisk disk = new SimDisk(3);
        NodeMeta.startNewIncarnation(disk, ROOT, 100).addDestroyed(5);
        String whole = read(disk);
        int cut = whole.indexOf("destroyed=");
        disk.cutFile(FILE, cut); // "format=2", "incarnation=...", "rejoining=": nothing destroyed, it would seem

        assertThatThrownBy(() -> NodeMeta.startNewIncarnation(disk, ROOT, 100)).isInstanceOf(IOException.class)
                .hasMessageContaining("node.meta is damaged");
        disk.cutFile(FILE, 0);
        assertThatThrownBy(() -> NodeMeta.startNewIncarnation(disk, ROOT, 100)).isInstanceOf(IOException.class);
    }

    @Test
    void aRecordOfTheOlderFormatIsReadAndRewritten() throws IOException {
        SimDisk disk = new SimDisk(4);
        disk.mkdirs(ROOT);
        byte[] old = "incarnation=41\nrejoining=3,4\n".getBytes(StandardCharsets.UTF_8);
        try (FileHandle f = disk.open(FILE, OpenMode.CREATE_NEW)) {
            f.write(0, old, 0, old.length);
            f.sync();
        }

        NodeMeta m = NodeMeta.startNewIncarnation(disk, ROOT, 100);

        assertThat(m.incarnation()).isEqualTo(42);
        assertThat(m.rejoining()).containsExactly(3L, 4L);
        assertThat(m.destroyed()).isEmpty();
        assertThat(read(disk)).startsWith("format=2\n").contains("\ncrc=");
    }

    private static String read(SimDisk disk) throws IOException {
        try (FileHandle f = disk.open(FILE, OpenMode.READ)) {
            byte[] b = new byte[(int) f.size()];
            f.readFully(0, b, 0, b.length);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
