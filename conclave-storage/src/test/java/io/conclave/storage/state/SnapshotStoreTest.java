package io.conclave.storage.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotStoreTest {

    final SimDisk disk = new SimDisk(12);
    final SnapshotStore store = new SnapshotStore(disk, "g/snap", 2);

    static Snapshot snap(long index, long term, int len) {
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) {
            data[i] = (byte) (index * 13 + i);
        }
        ConfState cs = new ConfState(Set.of(1L, 2L, 3L), Set.of(9L), Set.of(1L, 2L, 4L), Set.of(4L), true);
        return new Snapshot(new SnapshotMetadata(index, term, cs), data);
    }

    @Test
    void noSnapshotLoadsAsEmpty() throws IOException {
        assertThat(store.latest().snapshot()).isEqualTo(Snapshot.EMPTY);
    }

    @Test
    void theNewestSnapshotIsReturnedAndOldOnesBeyondTheKeptCountDeleted() throws IOException {
        store.save(snap(10, 1, 100));
        store.save(snap(20, 2, 5000));
        store.save(snap(30, 2, 0));
        assertThat(store.snapshotFiles()).containsExactly(SnapshotStore.fileName(20, 2), SnapshotStore.fileName(30, 2));
        SnapshotStore.Loaded l = new SnapshotStore(disk.crash(), "g/snap", 2).latest();
        assertThat(l.snapshot()).isEqualTo(snap(30, 2, 0));
        assertThat(l.skipped()).isEmpty();
    }

    @Test
    void aCorruptNewestSnapshotIsSkippedWithAReport() throws IOException {
        store.save(snap(10, 1, 100));
        store.save(snap(20, 2, 300));
        long pos = disk.flipBit("g/snap/" + SnapshotStore.fileName(20, 2));
        SnapshotStore.Loaded l = store.latest();
        assertThat(l.snapshot()).isEqualTo(snap(10, 1, 100));
        assertThat(l.skipped()).singleElement().asString().contains(SnapshotStore.fileName(20, 2)).contains("CRC32C");
        assertThat(pos).isNotNegative();
    }

    @Test
    void aCrashDuringASaveLeavesTheOldOrTheNewSnapshot() throws IOException {
        for (int cut = 0; cut < 10; cut++) {
            SimDisk d = new SimDisk(cut);
            SnapshotStore s = new SnapshotStore(d, "snap", 1);
            s.save(snap(10, 1, 50));
            d.powerOffAfter(cut);
            try {
                s.save(snap(20, 1, 60));
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("power loss");
            }
            SnapshotStore.Loaded l = new SnapshotStore(d.crash(), "snap", 1).latest();
            assertThat(l.snapshot()).isIn(snap(10, 1, 50), snap(20, 1, 60));
            assertThat(l.skipped()).isEmpty();
        }
    }

    @Test
    void confStateRoundTripsAndBadEncodingsAreRejected() {
        ConfState cs = snap(1, 1, 0).metadata().confState();
        byte[] b = ConfStateCodec.encode(cs);
        assertThat(ConfStateCodec.decode(b, 0, b.length)).isEqualTo(cs);
        assertThat(ConfStateCodec.decode(ConfStateCodec.encode(ConfState.EMPTY), 0, 17)).isEqualTo(ConfState.EMPTY);
        assertThatThrownBy(() -> ConfStateCodec.decode(b, 0, b.length - 1)).isInstanceOf(IllegalArgumentException.class);
        b[3] = 100;
        assertThatThrownBy(() -> ConfStateCodec.decode(b, 0, b.length)).isInstanceOf(IllegalArgumentException.class);
    }
}
