package io.conclave.storage.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * An installed snapshot whose write failed (a full disk) is not installed: the group falls back to what
 * is durable, its snapshot included, so that the Raft core, rebuilt from that, can be sent the snapshot
 * again and install it. It kept the snapshot in its view when nothing older had been durable, and the
 * second install was refused as "not newer" (the simulator's seed 113 of {@code --runtime --workload
 * metadata --groups 2}: a wiped node rejoining on a full disk crashed).
 */
class FailedSnapshotInstallTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);

    @Test
    void aSnapshotInstallThatFailedCanBeInstalledAgain() throws IOException {
        EngineFixture fx = new EngineFixture(13);
        GroupLog log = fx.engine.createGroup(1, VOTERS);
        Snapshot snap = new Snapshot(new SnapshotMetadata(40, 6, VOTERS), new byte[64]);
        fx.disk.setCapacityBytes(fx.disk.usedBytes() + 200); // the snapshot file fits, its WAL record does not
        Outcome failed = new Outcome();
        StorageStatus st = log.persist(new HardState(6, 2, 40), null, snap, failed);
        fx.drain();
        assertThat(st).isEqualTo(StorageStatus.OK);
        assertThat(failed.failure).as("the install's write failed").isNotNull();
        assertThat(log.lastIndex()).isZero();
        assertThat(log.snapshot().index()).as("fell back to what is durable").isZero();

        fx.disk.setCapacityBytes(Long.MAX_VALUE);
        Outcome again = new Outcome();
        assertThat(log.persist(new HardState(6, 2, 40), null, snap, again)).isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(again.durable).isEqualTo(1);
        assertThat(log.snapshot().index()).isEqualTo(40);
        assertThat(log.firstIndex()).isEqualTo(41);
    }

    /**
     * An installed snapshot still queued when the state machine stores a newer one must not become the
     * durable snapshot when its write is materialized: after a later failed write the group fell back
     * to the older install (40) over a log compacted behind the newer (80), so the log started at 71 with
     * nothing to rebuild 41–70 from (the simulator's seed 347 of the metadata workload: the leader then
     * kept sending snapshot 40 to a follower that needed 41).
     */
    @Test
    void aFailedWriteFallsBackToTheNewestSnapshotNotAnOlderInstallMaterializedAfterIt() throws IOException {
        EngineFixture fx = new EngineFixture(14);
        GroupLog log = fx.engine.createGroup(1, VOTERS);
        Snapshot installed = new Snapshot(new SnapshotMetadata(40, 6, VOTERS), new byte[64]);
        assertThat(log.persist(new HardState(6, 2, 40), null, installed, new Outcome())).isEqualTo(StorageStatus.OK);
        assertThat(log.persist(new HardState(6, 2, 80), EngineFixture.entries(6, 41, 40, 16, 1), null,
                new Outcome())).isEqualTo(StorageStatus.OK);
        log.createSnapshot(80, VOTERS, new byte[64]); // before the install above is materialized
        log.compact(70);
        fx.syncSegments();
        assertThat(log.snapshot().index()).isEqualTo(80);

        fx.disk.setCapacityBytes(fx.disk.usedBytes() + 16); // the next write does not fit
        Outcome failed = new Outcome();
        log.persist(new HardState(6, 2, 80), EngineFixture.entries(6, 81, 4, 64, 2), null, failed);
        fx.drain();
        assertThat(failed.failure).as("the write failed").isNotNull();
        assertThat(log.snapshot().index()).as("the newest durable snapshot").isEqualTo(80);
        assertThat(log.firstIndex()).isLessThanOrEqualTo(81);
    }
}
