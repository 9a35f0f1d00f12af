package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GroupDeletionTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);

    @Test
    void aDeletedGroupLosesItsFilesAndStaysGoneAfterACrash() throws IOException {
        EngineFixture fx = new EngineFixture(11);
        GroupLog doomed = fx.engine.createGroup(1, VOTERS);
        GroupLog kept = fx.engine.createGroup(2, VOTERS);
        doomed.persist(new HardState(2, 1, 5), entries(2, 1, 8, 60, 1), null, new Outcome());
        kept.persist(new HardState(1, 1, 3), entries(1, 1, 3, 60, 2), null, new Outcome());
        fx.drain();
        fx.syncSegments();
        doomed.persist(new HardState(2, 1, 9), entries(2, 9, 4, 60, 1), null, new Outcome());
        fx.drain();

        CompletableFuture<Void> deleted = fx.engine.deleteGroup(1);
        assertThat(doomed.persist(null, entries(2, 13, 1, 10, 1), null, new Outcome()))
                .as("writes stop as soon as the deletion starts").isEqualTo(StorageStatus.CLOSED);
        assertThat(fx.engine.deleteGroup(1)).as("a second call joins the running deletion").isSameAs(deleted);
        fx.drain();

        assertThat(deleted).isCompleted();
        assertThat(fx.engine.group(1)).isNull();
        assertThat(fx.engine.groupIds()).containsExactly(2L);
        assertThat(fx.disk.list("data/groups")).containsExactly("2");
        assertThat(fx.engine.groupsDeleted()).isEqualTo(1);

        fx.crashAndReopen();

        assertThat(fx.engine.group(1)).as("replay does not bring it back").isNull();
        assertThat(fx.disk.list("data/groups")).containsExactly("2");
        assertThat(fx.engine.tombstonedRecordsSkipped()).isPositive();
        assertThat(fx.engine.group(2).entries(1, 4, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 3, 60, 2));
        assertThat(fx.engine.group(2).hardState()).isEqualTo(new HardState(1, 1, 3));
    }

    @Test
    void aGroupCreatedAgainReplaysOnlyItsOwnRecords() throws IOException {
        EngineFixture fx = new EngineFixture(12);
        GroupLog first = fx.engine.createGroup(1, VOTERS);
        first.persist(new HardState(5, 2, 20), entries(5, 1, 20, 40, 1), null, new Outcome());
        fx.drain(); // durable in the WAL, not yet materialized: replay would meet these records
        fx.engine.deleteGroup(1);
        fx.drain();
        assertThat(fx.engine.createGroup(1, VOTERS).incarnation()).isEqualTo(1);
        fx.crashAndReopen();
        GroupLog bootedOnly = fx.engine.group(1);
        assertThat(bootedOnly).as("created again with a durable genesis snapshot, no record yet").isNotNull();
        assertThat(bootedOnly.lastIndex()).isZero();
        assertThat(bootedOnly.hardState()).isEqualTo(HardState.EMPTY);

        List<Entry> second = entries(1, 1, 3, 40, 99);
        bootedOnly.persist(new HardState(1, 1, 2), second, null, new Outcome());
        fx.drain();
        fx.crashAndReopen();

        GroupLog again = fx.engine.group(1);
        assertThat(again.incarnation()).isEqualTo(1);
        assertThat(again.lastIndex()).as("nothing of the deleted incarnation leaks in").isEqualTo(3);
        assertThat(again.entries(1, 4, Long.MAX_VALUE)).isEqualTo(second);
        assertThat(again.hardState()).isEqualTo(new HardState(1, 1, 2));
        assertThat(fx.disk.list("data/groups")).containsExactly("1.1");

        fx.engine.deleteGroup(1);
        fx.drain();
        GroupLog third = fx.engine.createGroup(1, null);
        assertThat(third.incarnation()).isEqualTo(2);
        third.persist(new HardState(7, 1, 1), entries(7, 1, 1, 40, 7), null, new Outcome());
        fx.drain();
        fx.crashAndReopen();
        assertThat(fx.engine.group(1).incarnation()).isEqualTo(2);
        assertThat(fx.engine.group(1).entries(1, 2, Long.MAX_VALUE)).isEqualTo(entries(7, 1, 1, 40, 7));
        assertThat(fx.engine.group(1).hardState()).isEqualTo(new HardState(7, 1, 1));
    }

    @Test
    void aDeletedGroupNoLongerHoldsWalFilesBack() throws IOException {
        EngineFixture fx = new EngineFixture(13);
        GroupLog stuck = fx.engine.createGroup(5, VOTERS);
        GroupLog busy = fx.engine.createGroup(6, VOTERS);
        stuck.persist(null, entries(1, 1, 1, 10, 5), null, new Outcome());
        fx.drain();
        fx.syncSegments();
        String dir = "data/groups/5/log";
        String segment = fx.disk.list(dir).stream().filter(n -> n.endsWith(".log")).findFirst().orElseThrow();
        fx.disk.failSyncs(dir + "/" + segment);
        stuck.persist(null, entries(1, 2, 1, 10, 5), null, new Outcome());
        fx.drain();
        for (int i = 0; i < 40; i++) {
            busy.persist(null, entries(1, 1 + 10L * i, 10, 200, 6), null, new Outcome());
            fx.syncSegments();
        }
        int pinned = fx.engine.walFileCount();
        assertThat(pinned).as("the group whose segment syncs fail holds every WAL file back").isGreaterThan(4);

        fx.engine.deleteGroup(5);
        fx.syncSegments();
        fx.syncSegments();

        assertThat(fx.engine.walFileCount()).isLessThanOrEqualTo(2);
        fx.crashAndReopen();
        assertThat(fx.engine.group(5)).isNull();
        assertThat(fx.engine.group(6).lastIndex()).isEqualTo(400);
    }

    /**
     * Power is cut after every possible number of disk mutations of a deletion (the tombstone's
     * write and fsync, each file removal, each directory sync), then the disk crashes, keeping a seeded
     * part of what was not synced. Each time the group comes back whole or not at all, the other group
     * is untouched, and a deletion whose future completed is never undone.
     */
    @Test
    void aCrashAnywhereInADeletionLeavesTheGroupWholeOrGone() throws IOException {
        int cuts = 0;
        int gone = 0;
        int whole = 0;
        for (long seed = 1; seed <= 3; seed++) {
            for (int mutations = 0; mutations < 200; mutations++) {
                EngineFixture fx = new EngineFixture(seed * 1000 + mutations);
                GroupLog doomed = fx.engine.createGroup(1, VOTERS);
                GroupLog kept = fx.engine.createGroup(2, VOTERS);
                List<Entry> log = new ArrayList<>(entries(2, 1, 8, 300, 1));
                doomed.persist(new HardState(2, 1, 5), log, null, new Outcome());
                kept.persist(new HardState(1, 1, 3), entries(1, 1, 3, 60, 2), null, new Outcome());
                fx.drain();
                GroupLog filler = fx.engine.createGroup(3, VOTERS);
                filler.persist(null, entries(1, 1, 24, 1000, 3), null, new Outcome());
                fx.drain();
                filler.persist(null, entries(1, 25, 1, 10, 3), null, new Outcome()); // starts the next WAL file
                fx.drain();
                fx.syncSegments();
                fx.syncSegments();
                assertThat(fx.engine.walFilesReclaimed()).as("the first records live in the segments only").isPositive();
                List<Entry> tail = entries(2, 9, 4, 300, 1);
                log.addAll(tail);
                doomed.persist(new HardState(2, 1, 9), tail, null, new Outcome());
                fx.drain();

                fx.disk.powerOffAfter(mutations);
                CompletableFuture<Void> deleted = fx.engine.deleteGroup(1);
                for (int step = 0; step < 50 && !deleted.isDone() && !fx.disk.poweredOff(); step++) {
                    try {
                        fx.engine.doWork();
                    } catch (RuntimeException powerLoss) {
                        break;
                    }
                }
                boolean cut = fx.disk.poweredOff();
                boolean acknowledged = deleted.isDone() && !deleted.isCompletedExceptionally();
                fx.crashAndReopen();

                String where = "seed " + seed + ", power cut after " + mutations + " mutations";
                GroupLog after = fx.engine.group(1);
                if (acknowledged) {
                    assertThat(after).as(where + ": an acknowledged deletion is never undone").isNull();
                }
                if (after == null) {
                    gone++;
                    assertThat(fx.disk.list("data/groups")).as(where).containsExactly("2", "3");
                } else {
                    whole++;
                    assertThat(after.state()).as(where).isEqualTo(GroupState.WRITABLE);
                    assertThat(after.entries(1, 13, Long.MAX_VALUE)).as(where).isEqualTo(log);
                    assertThat(after.hardState()).as(where).isEqualTo(new HardState(2, 1, 9));
                    assertThat(after.initialState().confState()).as(where).isEqualTo(VOTERS);
                }
                assertThat(fx.engine.group(2).entries(1, 4, Long.MAX_VALUE)).as(where)
                        .isEqualTo(entries(1, 1, 3, 60, 2));
                if (!cut) {
                    assertThat(acknowledged).as(where + ": without a power cut the deletion finishes").isTrue();
                    break; // every mutation of the deletion has had its cut
                }
                cuts++;
            }
        }
        assertThat(cuts).as("power cuts inside deletions").isGreaterThan(10);
        assertThat(gone).as("runs that recovered no group").isPositive();
        assertThat(whole).as("runs that recovered the group whole").isPositive();
    }
}
