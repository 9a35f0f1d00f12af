package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A group whose segments recovery finds corrupt before their tail has lost its log: it restarts from
 * its last snapshot, keeps term and vote, and takes the entries that follow the snapshot — what the
 * leader sends once its probing has found where this log ends — or a snapshot. A corrupt last record
 * with nothing intact after it is a torn tail instead: cut, and the log goes on from there.
 */
class LostLogTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);
    private static final String LOG_DIR = "data/groups/1/log";

    /** 200 entries of term 2 in 20 writes (hard state term 2, vote 1, commit 150), materialized and synced. */
    private static GroupLog writeTwoHundred(EngineFixture fx) throws IOException {
        GroupLog g = fx.engine.createGroup(1, VOTERS);
        for (int i = 0; i < 20; i++) {
            g.persist(new HardState(2, 1, Math.min(150, 10L * i)), entries(2, 1 + 10L * i, 10, 100, 1), null,
                    new Outcome());
            fx.drain();
        }
        g.persist(new HardState(2, 1, 150), List.of(), null, new Outcome());
        fx.drain();
        fx.syncSegments();
        return g;
    }

    private static List<String> segmentFiles(EngineFixture fx) throws IOException {
        return fx.disk.list(LOG_DIR).stream().filter(n -> n.endsWith(".log")).sorted().toList();
    }

    /** Flips a bit inside the first record of the segment file {@code name}. */
    private static void flipInFirstRecord(EngineFixture fx, String name) {
        fx.disk.flipBit(LOG_DIR + "/" + name, 60, 3);
    }

    /** Writes another group until every WAL file in {@code files} is reclaimed (so replay cannot refill group 1). */
    private static void pushWalPast(EngineFixture fx, List<String> files) throws IOException {
        GroupLog other = fx.engine.createGroup(2, VOTERS);
        for (int i = 0; i < 1_000; i++) {
            List<String> now = fx.disk.list("data/wal");
            if (files.stream().noneMatch(now::contains)) {
                return;
            }
            other.persist(new HardState(1, 1, 0), entries(1, 1 + 10L * i, 10, 200, 2), null, new Outcome());
            fx.drain();
            fx.syncSegments();
        }
        throw new AssertionError("WAL files " + files + " were never reclaimed");
    }

    @Test
    void aSegmentCorruptInTheMiddleLosesTheLogButKeepsTermAndVote() throws IOException {
        EngineFixture fx = new EngineFixture(11);
        writeTwoHundred(fx);
        List<String> files = segmentFiles(fx);
        assertThat(files).hasSizeGreaterThan(3);
        flipInFirstRecord(fx, files.get(files.size() / 2));

        fx.crashAndReopen();

        GroupLog g = fx.engine.group(1);
        assertThat(g.state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(g.firstIndex()).isEqualTo(1);
        assertThat(g.lastIndex()).as("an empty log at the snapshot (index 0)").isZero();
        assertThat(g.hardState()).as("term and vote kept; commit clamped to the snapshot")
                .isEqualTo(new HardState(2, 1, 0));
        assertThat(g.snapshot().metadata().confState()).isEqualTo(VOTERS);
    }

    @Test
    void aLostLogTakesTheLeadersEntriesFromItsSnapshotOnAndKeepsThemAcrossACrash() throws IOException {
        EngineFixture fx = new EngineFixture(12);
        writeTwoHundred(fx);
        List<String> files = segmentFiles(fx);
        flipInFirstRecord(fx, files.get(files.size() / 2));
        fx.crashAndReopen();
        GroupLog g = fx.engine.group(1);

        assertThatThrownBy(() -> g.persist(null, entries(3, 40, 5, 10, 9), null, new Outcome()))
                .as("entries that do not follow the snapshot leave a gap").isInstanceOf(IllegalArgumentException.class);
        Outcome resent = new Outcome();
        assertThat(g.persist(new HardState(3, 0, 120), entries(3, 1, 120, 50, 7), null, resent))
                .isEqualTo(StorageStatus.OK);
        assertThat(g.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(g.lastIndex()).isEqualTo(120);
        assertThat(g.entries(1, 121, Long.MAX_VALUE)).isEqualTo(entries(3, 1, 120, 50, 7));
        fx.drain();
        assertThat(resent.durable).isEqualTo(1);
        fx.syncSegments();
        assertThat(g.persist(null, entries(3, 121, 10, 50, 8), null, new Outcome())).isEqualTo(StorageStatus.OK);
        fx.drain();

        fx.crashAndReopen();

        GroupLog again = fx.engine.group(1);
        assertThat(again.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(again.firstIndex()).isEqualTo(1);
        assertThat(again.lastIndex()).isEqualTo(130);
        assertThat(again.entries(1, 121, Long.MAX_VALUE)).isEqualTo(entries(3, 1, 120, 50, 7));
        assertThat(again.entries(121, 131, Long.MAX_VALUE)).isEqualTo(entries(3, 121, 10, 50, 8));
        assertThat(again.hardState()).isEqualTo(new HardState(3, 0, 120));
        assertThat(fx.engine.replayGapsSkipped()).isZero();
    }

    /**
     * The re-base is a snapshot mark in the WAL: a crash after the write is durable but before the
     * housekeeper reset the corrupt segments replays it, resets them, and applies the entries.
     */
    @Test
    void aCrashBeforeTheCorruptSegmentsAreReplacedReplaysTheReBase() throws IOException {
        EngineFixture fx = new EngineFixture(13);
        writeTwoHundred(fx);
        List<String> files = segmentFiles(fx);
        flipInFirstRecord(fx, files.get(1));
        fx.crashAndReopen();
        GroupLog g = fx.engine.group(1);
        Outcome resent = new Outcome();
        assertThat(g.persist(new HardState(2, 1, 30), entries(2, 1, 30, 20, 4), null, resent))
                .isEqualTo(StorageStatus.OK);
        fx.drain(); // durable in the WAL; the segments are reset only by the next sync round
        assertThat(resent.durable).isEqualTo(1);

        fx.crashAndReopen();

        GroupLog again = fx.engine.group(1);
        assertThat(again.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(again.lastIndex()).isEqualTo(30);
        assertThat(again.entries(1, 31, Long.MAX_VALUE)).isEqualTo(entries(2, 1, 30, 20, 4));
        assertThat(again.hardState()).isEqualTo(new HardState(2, 1, 30));
    }

    @Test
    void aLostLogWithASnapshotRestartsAfterTheSnapshot() throws IOException {
        EngineFixture fx = new EngineFixture(14);
        GroupLog g = writeTwoHundred(fx);
        g.createSnapshot(100, VOTERS, new byte[] {42});
        g.compact(90);
        fx.drain();
        fx.syncSegments();
        List<String> files = segmentFiles(fx);
        flipInFirstRecord(fx, files.get(files.size() - 2)); // after the snapshot, not the last segment
        fx.crashAndReopen();

        GroupLog lost = fx.engine.group(1);
        assertThat(lost.state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(lost.snapshot().index()).isEqualTo(100);
        assertThat(lost.firstIndex()).isEqualTo(101);
        assertThat(lost.lastIndex()).isEqualTo(100);
        assertThat(lost.term(100)).isEqualTo(2);
        assertThat(lost.hardState()).isEqualTo(new HardState(2, 1, 100));
        assertThatThrownBy(() -> lost.persist(null, entries(2, 102, 3, 10, 1), null, new Outcome()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(lost.persist(null, entries(2, 101, 100, 30, 5), null, new Outcome())).isEqualTo(StorageStatus.OK);
        fx.drain();
        fx.syncSegments();

        fx.crashAndReopen();

        GroupLog again = fx.engine.group(1);
        assertThat(again.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(again.snapshot().index()).isEqualTo(100);
        assertThat(again.snapshot().data()).containsExactly(42);
        assertThat(again.firstIndex()).isEqualTo(101);
        assertThat(again.entries(101, 201, Long.MAX_VALUE)).isEqualTo(entries(2, 101, 100, 30, 5));
    }

    /**
     * The snapshot that covered the compacted prefix fails its checksum, so the store falls back to an
     * older one (here none): the segments start after a state nothing can rebuild. The log is lost —
     * not a log starting at 151 over an empty state machine (the simulator's apply gap, seed 2 of
     * corruption,partition).
     */
    @Test
    void segmentsThatStartAfterALostSnapshotLoseTheLog() throws IOException {
        EngineFixture fx = new EngineFixture(16);
        GroupLog g = writeTwoHundred(fx);
        g.createSnapshot(150, VOTERS, new byte[] {7});
        g.compact(150);
        fx.drain();
        fx.syncSegments();
        pushWalPast(fx, fx.disk.list("data/wal"));
        List<String> snaps = fx.disk.list("data/groups/1/snap").stream().filter(n -> n.endsWith(".snap"))
                .sorted().toList();
        String newest = snaps.get(snaps.size() - 1);
        assertThat(newest).startsWith(String.format("snap-%020d", 150));
        fx.crashAndReopen();
        assertThat(fx.engine.group(1).firstIndex()).as("precondition: the segments start after 1").isGreaterThan(1);

        fx.disk.flipBit("data/groups/1/snap/" + newest, 40, 1);
        fx.crashAndReopen();

        GroupLog lost = fx.engine.group(1);
        assertThat(lost.snapshot().index()).isZero();
        assertThat(lost.state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(lost.lastIndex()).isZero();
        assertThat(lost.hardState()).isEqualTo(new HardState(2, 1, 0));
        assertThat(lost.persist(null, entries(2, 1, 10, 30, 5), null, new Outcome())).isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(lost.entries(1, 11, Long.MAX_VALUE)).isEqualTo(entries(2, 1, 10, 30, 5));
    }

    /**
     * A bad last record with nothing intact after it is a torn tail: cut, the log stays writable and
     * ends before it, so the leader's next entries follow the cut. A bad record in the last segment
     * with intact ones after it is corruption: the log is lost.
     */
    @Test
    void aCorruptTailIsCutAndTheLogGoesOnFromThere() throws IOException {
        EngineFixture fx = new EngineFixture(15);
        GroupLog g = fx.engine.createGroup(1, VOTERS);
        g.persist(new HardState(2, 1, 0), entries(2, 1, 20, 100, 1), null, new Outcome());
        fx.drain();
        fx.syncSegments();
        pushWalPast(fx, fx.disk.list("data/wal"));
        List<String> files = segmentFiles(fx);
        String last = LOG_DIR + "/" + files.get(files.size() - 1);
        long size;
        try (FileHandle f = fx.disk.open(last, OpenMode.READ)) {
            size = f.size();
        }
        fx.disk.flipBit(last, size - 3, 1); // inside the last record

        fx.crashAndReopen();

        GroupLog again = fx.engine.group(1);
        assertThat(again.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(again.lastIndex()).isEqualTo(19);
        assertThat(again.entries(1, 20, Long.MAX_VALUE)).isEqualTo(entries(2, 1, 19, 100, 1));
        assertThat(again.persist(null, entries(2, 20, 5, 100, 2), null, new Outcome())).isEqualTo(StorageStatus.OK);
        fx.drain();
        fx.syncSegments();
        fx.crashAndReopen();
        assertThat(fx.engine.group(1).lastIndex()).isEqualTo(24);
        assertThat(fx.engine.group(1).entries(20, 25, Long.MAX_VALUE)).isEqualTo(entries(2, 20, 5, 100, 2));
    }

    @Test
    void aCorruptRecordInTheLastSegmentBeforeIntactOnesLosesTheLog() throws IOException {
        EngineFixture fx = new EngineFixture(16);
        writeTwoHundred(fx);
        List<String> files = segmentFiles(fx);
        flipInFirstRecord(fx, files.get(files.size() - 1));
        fx.crashAndReopen();
        GroupLog g = fx.engine.group(1);
        assertThat(g.state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(g.persist(null, entries(2, 1, 5, 10, 3), null, new Outcome())).isEqualTo(StorageStatus.OK);
        assertThat(g.state()).isEqualTo(GroupState.WRITABLE);
    }
}
