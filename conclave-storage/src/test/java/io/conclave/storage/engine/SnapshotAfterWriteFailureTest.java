package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A snapshot the state machine stored ({@code createSnapshot}) is durable at once, and the log may be
 * compacted behind it; a later failed write, which makes the group fall back to what is durable, must
 * not fall back to an older snapshot. It did: the fallback took the snapshot last loaded or installed,
 * so a leader whose log started after it kept offering a follower that stale snapshot, which the
 * follower already had, and never the entries it lacked (the simulator's seed 8 of
 * {@code --runtime --workload metadata --groups 2}: a follower stuck 118 entries behind for good).
 */
class SnapshotAfterWriteFailureTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);

    @Test
    void aFailedWriteKeepsTheNewestStoredSnapshotUnderTheCompactedLog() throws IOException {
        EngineFixture fx = new EngineFixture(11);
        GroupLog log = fx.engine.createGroup(1, VOTERS);
        log.persist(new HardState(1, 1, 20), entries(1, 1, 20, 50, 1), null, new Outcome());
        fx.syncSegments();
        log.createSnapshot(10, VOTERS, new byte[] {10});
        fx.syncSegments();
        fx.crashAndReopen(); // the snapshot at 10 is now the one recovery loaded
        log = fx.engine.group(1);
        assertThat(log.snapshot().index()).isEqualTo(10);

        log.persist(new HardState(1, 1, 40), entries(1, 21, 20, 50, 2), null, new Outcome());
        fx.syncSegments();
        log.createSnapshot(30, VOTERS, new byte[] {30});
        log.compact(25);
        fx.syncSegments();
        assertThat(log.firstIndex()).isEqualTo(26);

        fx.disk.setCapacityBytes(fx.disk.usedBytes() + 100);
        Outcome failed = new Outcome();
        log.persist(null, entries(1, 41, 5, 500, 3), null, failed);
        fx.drain();
        assertThat(failed.failure).as("the write failed on the full disk").isNotNull();

        assertThat(log.snapshot().index()).as("the newest stored snapshot").isEqualTo(30);
        assertThat(log.firstIndex()).as("the log still follows it").isLessThanOrEqualTo(log.snapshot().index() + 1);
        assertThat(log.lastIndex()).isEqualTo(40);
    }
}
