package io.conclave.storage.wal;

import static io.conclave.storage.wal.WalTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.HardState;
import io.conclave.storage.buggify.Buggify;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.wal.WalTestSupport.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitWriterTest {

    private final SimDisk disk = new SimDisk(1);

    private WalLog open(SimDisk d, List<WalRecord> replayed) throws Exception {
        return WalLog.open(d, "wal", WalTestSupport.smallConfig(), replayed::add, new WalReader.Report());
    }

    @Test
    void aBatchOfManyGroupsCostsOneFsync() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        long syncsBefore = disk.fileSyncCount();
        List<Recorder> callbacks = new ArrayList<>();
        for (long g = 1; g <= 200; g++) {
            Recorder r = new Recorder();
            callbacks.add(r);
            assertThat(writer.offer(request(g, 1, 1, r))).isTrue();
        }

        int written = writer.doWork();

        assertThat(written).isEqualTo(200);
        assertThat(disk.fileSyncCount() - syncsBefore).isEqualTo(1);
        assertThat(callbacks).allSatisfy(r -> assertThat(r.durable).isEqualTo(1));
        assertThat(writer.batchesWritten()).isEqualTo(1);
        assertThat(writer.doWork()).isZero();
    }

    @Test
    void aFullQueueAnswersFalse() throws Exception {
        WalConfig cfg = new WalConfig(8192, 4096, 2, 1024, 1 << 20, false);
        GroupCommitWriter writer = new GroupCommitWriter(open(disk, new ArrayList<>()), cfg, BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        assertThat(writer.offer(request(1, 1, 1, r))).isTrue();
        assertThat(writer.offer(request(1, 2, 1, r))).isTrue();
        assertThat(writer.offer(request(1, 3, 1, r))).isFalse();
        writer.doWork();
        assertThat(r.durable).isEqualTo(2);
        assertThat(writer.offer(request(1, 3, 1, r))).isTrue();
    }

    @Test
    void entriesLargerThanOneRecordAreWrittenAsSeveralRecordsOfOneBatchAndReplayInOrder() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        // 40 entries of 500 bytes: about 20 KiB, five times the 4 KiB record limit.
        List<io.conclave.raft.Entry> big = WalTestSupport.entries(2, 1, 40, 500);
        long syncsBefore = disk.fileSyncCount();
        assertThat(writer.offer(new WriteRequest(7, null, big, new HardState(2, 1, 40), 0, r))).isTrue();

        assertThat(writer.doWork()).isEqualTo(1);

        assertThat(r.durable).isEqualTo(1);
        assertThat(disk.fileSyncCount() - syncsBefore).isEqualTo(1);
        log.close();
        List<WalRecord> replayed = new ArrayList<>();
        open(disk.crash(), replayed);
        List<WalRecord> entryRecords = replayed.stream().filter(w -> w.kind() == WalRecordKind.ENTRIES).toList();
        assertThat(entryRecords).hasSizeGreaterThan(4).allSatisfy(w -> assertThat(w.payload().length)
                .isLessThanOrEqualTo(4096 - WalFrame.BODY_PREFIX_BYTES));
        List<Long> indexes = new ArrayList<>();
        entryRecords.forEach(w -> WalCodec.getEntries(w.payload()).forEach(e -> indexes.add(e.index())));
        assertThat(indexes).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(replayed.get(replayed.size() - 1).kind()).isEqualTo(WalRecordKind.HARD_STATE);
    }

    @Test
    void oneEntryLargerThanARecordIsRefusedBeforeAnythingIsQueued() throws Exception {
        GroupCommitWriter writer = new GroupCommitWriter(open(disk, new ArrayList<>()), WalTestSupport.smallConfig(),
                BatchHandler.CALLBACKS_ONLY);
        WriteRequest huge = new WriteRequest(7, null, WalTestSupport.entries(1, 1, 1, 5000), null, 0, new Recorder());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.offer(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 carries 5000 bytes");
        assertThat(writer.queuedRequests()).isZero();
    }

    @Test
    void recordsComeBackInOrderAfterReopenAcrossRotatedFiles() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        for (int i = 1; i <= 60; i++) {
            writer.offer(request(i % 3, i, 10, r));
            writer.doWork();
        }
        assertThat(log.fileCount()).isGreaterThan(2);
        log.close();

        List<WalRecord> replayed = new ArrayList<>();
        WalLog reopened = open(disk.crash(), replayed);

        assertThat(replayed).hasSize(120);
        for (int i = 0; i < 60; i++) {
            WalRecord entries = replayed.get(2 * i);
            assertThat(entries.kind()).isEqualTo(WalRecordKind.ENTRIES);
            assertThat(entries.groupId()).isEqualTo((i + 1) % 3);
            assertThat(WalCodec.getEntries(entries.payload()).get(0).index()).isEqualTo(i + 1);
            assertThat(replayed.get(2 * i + 1).kind()).isEqualTo(WalRecordKind.HARD_STATE);
        }
        assertThat(reopened.activeSeq()).isGreaterThanOrEqualTo(log.activeSeq());
    }

    @Test
    void aTornTailIsCutOnOpenAndNeverReplayed() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        writer.offer(request(1, 1, 1, r));
        writer.doWork();
        writer.offer(request(1, 2, 1, r));
        writer.doWork();
        String path = WalLog.path("wal", log.activeSeq());
        long size;
        try (var f = disk.open(path, io.conclave.storage.disk.OpenMode.READ)) {
            size = f.size();
        }
        disk.cutFile(path, size - 5);
        log.close();

        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Report report = new WalReader.Report();
        WalLog reopened = WalLog.open(disk.crash(), "wal", WalTestSupport.smallConfig(), replayed::add, report);

        assertThat(replayed).hasSize(3);
        assertThat(report.cutFileSeq).isEqualTo(log.activeSeq());
        assertThat(report.cutReason).contains("torn");
        GroupCommitWriter again = new GroupCommitWriter(reopened, WalTestSupport.smallConfig(),
                BatchHandler.CALLBACKS_ONLY);
        again.offer(request(1, 2, 1, r));
        again.doWork();
        assertThat(reopened.readAll()).hasSize(5);
    }

    @Test
    void aFullDiskFailsTheBatchAndTheNextBatchSucceedsOnceSpaceIsFreed() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder first = new Recorder();
        writer.offer(request(1, 1, 1, first));
        writer.doWork();
        disk.setCapacityBytes(disk.usedBytes() + 10);
        Recorder failed = new Recorder();
        writer.offer(request(1, 2, 4, failed));
        writer.offer(request(2, 1, 4, failed));

        writer.doWork();

        assertThat(failed.durable).isZero();
        assertThat(failed.failures).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(DiskFullException.class)
                .hasMessageContaining("disk full"));
        assertThat(writer.batchesFailed()).isEqualTo(1);

        disk.setCapacityBytes(Long.MAX_VALUE);
        Recorder later = new Recorder();
        writer.offer(request(1, 2, 1, later));
        writer.doWork();
        assertThat(later.durable).isEqualTo(1);
        List<WalRecord> replayed = new ArrayList<>();
        open(disk.crash(), replayed);
        assertThat(replayed).hasSize(4);
    }

    @Test
    void buggifiedShortWriteFailsTheBatchAndTheRetryReplaysCleanly() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder failed = new Recorder();
        writer.offer(request(1, 1, 4, failed));
        try (Buggify.Scope ignored = Buggify.install(point -> point.equals(Buggify.WAL_SHORT_WRITE))) {
            writer.doWork();
        }
        assertThat(failed.durable).isZero();
        assertThat(failed.failures).hasSize(1).allSatisfy(e -> assertThat(e).hasMessageContaining("short-write"));

        Recorder later = new Recorder();
        writer.offer(request(1, 1, 4, later));
        writer.doWork();
        assertThat(later.durable).isEqualTo(1);
        List<WalRecord> replayed = new ArrayList<>();
        open(disk.crash(), replayed);
        assertThat(replayed).as("the half-written batch left nothing behind").hasSize(2);
    }

    @Test
    void buggifiedDeferralLeavesTheBatchQueuedForTheNextRound() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        writer.offer(request(1, 1, 1, r));
        try (Buggify.Scope ignored = Buggify.install(point -> point.equals(Buggify.WAL_DEFER_BATCH))) {
            assertThat(writer.doWork()).isZero();
        }
        assertThat(r.durable).isZero();
        assertThat(writer.hasWork()).isTrue();
        assertThat(writer.doWork()).isEqualTo(1);
        assertThat(r.durable).isEqualTo(1);
    }

    @Test
    void theRunnerThreadCompletesCallbacksWithoutBeingStepped() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        CountDownLatch done = new CountDownLatch(50);
        WriteCallback cb = new WriteCallback() {
            @Override
            public void onDurable() {
                done.countDown();
            }

            @Override
            public void onFailed(java.io.IOException cause) {
                throw new AssertionError(cause);
            }
        };
        try (AgentRunner runner = new AgentRunner(writer, "wal-test", TimeUnit.MILLISECONDS.toNanos(50)).start()) {
            for (int i = 1; i <= 50; i++) {
                assertThat(writer.offer(request(i, 1, 1, cb))).isTrue();
                runner.wake();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(runner.failure()).isNull();
        }
        assertThat(writer.requestsWritten()).isEqualTo(50);
    }
}
