package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.engine.EngineFixture.Outcome;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StorageEngineTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);

    @Test
    void oneBatchOfWritesFromManyGroupsCostsOneFsync() throws IOException {
        EngineFixture fx = new EngineFixture(1);
        List<Outcome> outcomes = new ArrayList<>();
        for (long g = 1; g <= 100; g++) {
            fx.engine.createGroup(g, VOTERS);
        }
        fx.drain();
        long syncsBefore = fx.disk.fsyncCount();
        for (long g = 1; g <= 100; g++) {
            Outcome o = new Outcome();
            outcomes.add(o);
            assertThat(fx.engine.group(g).persist(new HardState(1, 1, 0), entries(1, 1, 3, 100, g), null, o))
                    .isEqualTo(StorageStatus.OK);
        }

        fx.engine.walAgent().doWork();

        assertThat(fx.disk.fsyncCount() - syncsBefore).as("file and directory syncs of the whole batch").isEqualTo(1);
        assertThat(fx.engine.walBatches()).isEqualTo(1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.durable).isEqualTo(1));
        assertThat(fx.engine.group(42).entries(1, 4, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 3, 100, 42));
        assertThat(fx.engine.group(42).tailEntries()).as("held in memory until materialized").isEqualTo(3);
        fx.syncSegments();
        assertThat(fx.engine.openSegmentLogs()).as("open segment logs are bounded").isLessThanOrEqualTo(3);
        assertThat(fx.engine.group(42).tailEntries()).as("materialized into the segments").isZero();
        assertThat(fx.engine.group(42).entries(1, 4, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 3, 100, 42));
    }

    @Test
    void walFilesAreReclaimedOnceSegmentsAreSyncedAndIdleHardStatesAreRewritten() throws IOException {
        EngineFixture fx = new EngineFixture(2);
        GroupLog idle = fx.engine.createGroup(1, VOTERS);
        GroupLog busy = fx.engine.createGroup(2, VOTERS);
        idle.persist(new HardState(3, 2, 2), entries(3, 1, 2, 10, 1), null, new Outcome());
        fx.drain();
        for (int i = 0; i < 40; i++) {
            busy.persist(new HardState(1, 1, i), entries(1, 1 + 10L * i, 10, 200, 2), null, new Outcome());
            fx.drain();
        }
        assertThat(fx.engine.walFileCount()).isGreaterThan(3);

        for (int i = 0; i < 5; i++) {
            fx.syncSegments();
        }

        assertThat(fx.engine.walFileCount()).isLessThanOrEqualTo(2);
        assertThat(fx.engine.walFilesReclaimed()).isGreaterThan(2);
        assertThat(fx.engine.hardStateRewrites()).as("the idle group's hard state was in a reclaimed file")
                .isGreaterThanOrEqualTo(1);
        fx.crashAndReopen();
        GroupLog idleAgain = fx.engine.group(1);
        assertThat(idleAgain.hardState()).isEqualTo(new HardState(3, 2, 2));
        assertThat(idleAgain.entries(1, 3, Long.MAX_VALUE)).isEqualTo(entries(3, 1, 2, 10, 1));
        assertThat(fx.engine.group(2).lastIndex()).isEqualTo(400);
        assertThat(fx.engine.group(2).hardState()).isEqualTo(new HardState(1, 1, 39));
    }

    @Test
    void aGroupHoldingReclamationBackIsReportedAndAskedToSnapshot() throws IOException {
        EngineConfig cfg = EngineFixture.smallConfig().withWalFiles(1000, 2).withSegmentSyncIntervalMs(60_000);
        EngineFixture fx = new EngineFixture(3, cfg);
        List<Long> asked = new ArrayList<>();
        fx.engine.setSnapshotRequestListener(asked::add);
        GroupLog lagging = fx.engine.createGroup(5, VOTERS);
        lagging.persist(null, entries(1, 1, 1, 10, 5), null, new Outcome());
        fx.drain();
        GroupLog busy = fx.engine.createGroup(6, VOTERS);
        for (int i = 0; i < 30; i++) {
            busy.persist(null, entries(1, 1 + 10L * i, 10, 200, 6), null, new Outcome());
            fx.drain();
        }

        assertThat(fx.engine.laggards()).contains(5L);
        assertThat(asked).contains(5L);
        long reports = fx.engine.laggardReports();
        assertThat(reports).isGreaterThanOrEqualTo(1);
        int filesBefore = fx.engine.walFileCount();

        fx.nowMs += 60_000;
        fx.drain();
        fx.drain();

        assertThat(fx.engine.laggards()).isEmpty();
        assertThat(fx.engine.walFileCount()).isLessThan(filesBefore);
        assertThat(asked).as("asked once per lagging spell").containsOnlyOnce(5L);
    }

    @Test
    void aFullDiskBlocksTheGroupKeepsReadsAndResumesOnceSpaceIsFreed() throws IOException {
        EngineConfig cfg = EngineFixture.smallConfig().withResumeFreeBytesMin(1024);
        EngineFixture fx = new EngineFixture(4, cfg);
        GroupLog log = fx.engine.createGroup(1, VOTERS);
        Outcome first = new Outcome();
        log.persist(new HardState(1, 1, 5), entries(1, 1, 5, 50, 1), null, first);
        fx.drain();
        assertThat(first.durable).isEqualTo(1);

        fx.disk.setCapacityBytes(fx.disk.usedBytes() + 100);
        Outcome failed = new Outcome();
        Outcome after = new Outcome();
        assertThat(log.persist(null, entries(1, 6, 5, 500, 1), null, failed)).isEqualTo(StorageStatus.OK);
        assertThat(log.persist(null, entries(1, 11, 1, 10, 1), null, after)).isEqualTo(StorageStatus.OK);
        fx.drain();

        assertThat(failed.failure).isInstanceOf(DiskFullException.class).hasMessageContaining("disk full");
        assertThat(after.failure).as("a later write of the group fails too").isNotNull();
        assertThat(log.state()).isEqualTo(GroupState.WRITES_BLOCKED);
        assertThat(log.lastIndex()).as("back to what is durable").isEqualTo(5);
        assertThat(log.entries(1, 6, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 5, 50, 1));
        assertThat(log.persist(null, entries(1, 6, 1, 10, 1), null, new Outcome()))
                .isEqualTo(StorageStatus.RESOURCE_EXHAUSTED);
        assertThat(StorageStatus.RESOURCE_EXHAUSTED.isRetriable()).isTrue();

        fx.disk.setCapacityBytes(Long.MAX_VALUE);
        Outcome resumed = new Outcome();
        assertThat(log.persist(new HardState(1, 1, 6), entries(1, 6, 1, 10, 1), null, resumed))
                .isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(resumed.durable).isEqualTo(1);
        assertThat(log.state()).isEqualTo(GroupState.WRITABLE);

        fx.crashAndReopen();
        GroupLog again = fx.engine.group(1);
        assertThat(again.lastIndex()).isEqualTo(6);
        assertThat(again.entries(1, 6, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 5, 50, 1));
        assertThat(again.entries(6, 7, Long.MAX_VALUE)).isEqualTo(entries(1, 6, 1, 10, 1));
        assertThat(again.hardState()).isEqualTo(new HardState(1, 1, 6));
    }

    @Test
    void aGroupWithACorruptSegmentNeedsASnapshotAndTheOthersCarryOn() throws IOException {
        EngineFixture fx = new EngineFixture(5);
        GroupLog hurt = fx.engine.createGroup(1, VOTERS);
        GroupLog fine = fx.engine.createGroup(2, VOTERS);
        for (int i = 0; i < 20; i++) {
            hurt.persist(new HardState(2, 1, 10L * i), entries(2, 1 + 10L * i, 10, 100, 1), null, new Outcome());
            fine.persist(null, entries(1, 1 + i, 1, 10, 2), null, new Outcome());
            fx.drain();
        }
        fx.syncSegments();
        String dir = "data/groups/1/log";
        String firstSegment = fx.disk.list(dir).stream().filter(n -> n.endsWith(".log")).findFirst().orElseThrow();
        fx.disk.flipBit(dir + "/" + firstSegment, 200, 3);

        fx.crashAndReopen();

        GroupLog hurtAgain = fx.engine.group(1);
        assertThat(hurtAgain.state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(hurtAgain.needsSnapshot()).isTrue();
        assertThat(hurtAgain.lastIndex()).as("serves nothing").isEqualTo(hurtAgain.firstIndex() - 1);
        assertThat(hurtAgain.hardState().term()).as("term and vote are kept").isEqualTo(2);
        GroupLog fineAgain = fx.engine.group(2);
        assertThat(fineAgain.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(fineAgain.lastIndex()).isEqualTo(20);

        Snapshot snap = new Snapshot(new SnapshotMetadata(150, 2, VOTERS), new byte[] {1});
        Outcome installed = new Outcome();
        assertThat(hurtAgain.applySnapshot(snap, installed)).isEqualTo(StorageStatus.OK);
        assertThat(hurtAgain.persist(null, entries(2, 151, 2, 10, 1), null, new Outcome())).isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(installed.durable).isEqualTo(1);
        assertThat(hurtAgain.state()).isEqualTo(GroupState.WRITABLE);
        fx.crashAndReopen();
        assertThat(fx.engine.group(1).state()).isEqualTo(GroupState.WRITABLE);
        assertThat(fx.engine.group(1).firstIndex()).isEqualTo(151);
        assertThat(fx.engine.group(1).lastIndex()).isEqualTo(152);
    }

    @Test
    void theRunnerThreadMakesWritesDurableWithoutBeingStepped() throws Exception {
        EngineFixture fx = new EngineFixture(6);
        GroupLog log = fx.engine.createGroup(1, VOTERS);
        CountDownLatch done = new CountDownLatch(20);
        fx.engine.startRunner();
        for (int i = 0; i < 20; i++) {
            List<Entry> es = entries(1, 1 + i, 1, 10, 1);
            assertThat(log.persist(null, es, null, new WriteCallback() {
                @Override
                public void onDurable() {
                    done.countDown();
                }

                @Override
                public void onFailed(IOException cause) {
                    throw new AssertionError(cause);
                }
            })).isEqualTo(StorageStatus.OK);
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        fx.engine.close();
        assertThat(log.persist(null, entries(1, 21, 1, 10, 1), null, new Outcome())).isEqualTo(StorageStatus.CLOSED);
        fx.reopen();
        assertThat(fx.engine.group(1).lastIndex()).isEqualTo(20);
    }
}
