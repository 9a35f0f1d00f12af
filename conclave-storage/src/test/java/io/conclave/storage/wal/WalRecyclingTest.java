package io.conclave.storage.wal;

import static io.conclave.storage.wal.WalTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.wal.WalTestSupport.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reclaimed WAL files are kept as spares and overwritten as new files; replay must never serve the
 * old frames they still hold, and a crash at any point must keep every acknowledged record.
 */
class WalRecyclingTest {

    private final SimDisk disk = new SimDisk(3);

    private WalLog open(SimDisk d, List<WalRecord> replayed) throws Exception {
        return WalLog.open(d, "wal", WalTestSupport.smallConfig(), replayed::add, new WalReader.Report());
    }

    /** Writes requests from index {@code from} on, one batch each, until {@code count} are acknowledged. */
    private static void write(GroupCommitWriter writer, long from, int count, Recorder r) {
        for (long i = from; i < from + count; i++) {
            assertThat(writer.offer(request(1, i, 1, r))).isTrue();
            writer.doWork();
        }
    }

    private static List<Long> entryIndexes(List<WalRecord> records) {
        List<Long> out = new ArrayList<>();
        for (WalRecord w : records) {
            if (w.kind() == WalRecordKind.ENTRIES) {
                WalCodec.getEntries(w.payload()).forEach(e -> out.add(e.index()));
            }
        }
        return out;
    }

    @Test
    void reclaimedFilesAreReusedAndReplayNeverServesTheirOldFrames() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        write(writer, 1, 400, r); // about 100 bytes a request, 8 KiB files: several rotations
        long keptFrom = log.activeSeq();
        int filesBefore = log.fileCount();
        assertThat(log.reclaimBefore(keptFrom)).isEqualTo(filesBefore - 1);
        assertThat(log.spareCount()).isEqualTo(WalLog.SPARES_MAX);
        long firstKeptIndex = firstIndexIn(log, keptFrom);

        write(writer, 401, 400, r);

        assertThat(log.filesRecycled()).isEqualTo(WalLog.SPARES_MAX);
        assertThat(r.durable).isEqualTo(800);
        log.close();
        SimDisk afterCrash = disk.crash();
        for (int reopen = 0; reopen < 2; reopen++) { // the second open sees the first one's cut
            List<WalRecord> replayed = new ArrayList<>();
            open(afterCrash, replayed).close();
            List<Long> indexes = entryIndexes(replayed);
            assertThat(indexes).as("every acknowledged record after the reclaim point, each once, in order")
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(firstKeptIndex, 800)
                            .boxed().toList());
        }
    }

    @Test
    void aCrashWhileARecycledFileIsActiveReplaysOnlyItsNewFrames() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        write(writer, 1, 400, r);
        long keptFrom = log.activeSeq();
        long firstKeptIndex = firstIndexIn(log, keptFrom);
        log.reclaimBefore(keptFrom);
        long index = 401;
        while (log.filesRecycled() == 0) {
            write(writer, index++, 1, r);
        }
        write(writer, index, 5, r); // a few batches into the recycled file: its old frames follow them
        long last = index + 4;

        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Report report = new WalReader.Report();
        WalLog.open(disk.crash(), "wal", WalTestSupport.smallConfig(), replayed::add, report).close();

        assertThat(entryIndexes(replayed)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(firstKeptIndex, last).boxed().toList());
        assertThat(report.cutReason).as("the old frames end the newest file like a torn tail").isNotNull();
        assertThat(report.filesDropped).isZero();
    }

    @Test
    void aFinishedRecycledFileIsCutToItsOwnFramesBeforeTheNextFileStarts() throws Exception {
        WalLog log = open(disk, new ArrayList<>());
        GroupCommitWriter writer = new GroupCommitWriter(log, WalTestSupport.smallConfig(), BatchHandler.CALLBACKS_ONLY);
        Recorder r = new Recorder();
        // Batches of about 1.5 KiB: every file overshoots its 8 KiB target by up to one of them, more
        // than the small batches written into it again will, so old frames would follow the new.
        for (long i = 1; i <= 60; i++) {
            assertThat(writer.offer(new WriteRequest(1, null, WalTestSupport.entries(1, i, 1, 1500),
                    new io.conclave.raft.HardState(1, 1, i), 0, r))).isTrue();
            writer.doWork();
        }
        log.reclaimBefore(log.activeSeq());
        long recycledSeq = log.activeSeq() + 1;
        long index = 61;
        while (log.activeSeq() <= recycledSeq) { // into the recycled file and out of it again
            write(writer, index++, 1, r);
        }

        long size;
        try (FileHandle f = disk.open(WalLog.path("wal", recycledSeq), OpenMode.READ)) {
            size = f.size();
        }
        List<WalRecord> inFile = new ArrayList<>();
        WalReader.ScanEnd end = new WalReader(disk, "wal", WalTestSupport.smallConfig().recordBytesMax())
                .scan(recycledSeq, inFile::add);
        assertThat(end.reason()).as("the file ends cleanly after its own frames").isNull();
        assertThat(end.offset()).isEqualTo(size);
        assertThat(inFile).isNotEmpty();
    }

    private long firstIndexIn(WalLog log, long seq) throws Exception {
        List<WalRecord> records = new ArrayList<>();
        new WalReader(disk, "wal", WalTestSupport.smallConfig().recordBytesMax()).scan(seq, records::add);
        return entryIndexes(records).get(0);
    }
}
