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
 * Reclaimed preallocated WAL files are kept as spares and written over as new files. Their earlier
 * life's frames stay after the new records; each frame carries its file's number, and replay must tell
 * the two lives apart: old frames are a clean end, never records, and never a torn tail.
 */
class WalRecyclingTest {

    private static final WalConfig CONFIG = WalTestSupport.smallConfig().withPreallocate(true);

    private SimDisk disk = new SimDisk(11);
    private WalReader.Report report;
    private final List<WalRecord> replayed = new ArrayList<>();
    private WalLog log;
    private GroupCommitWriter writer;
    private final Recorder r = new Recorder();
    private long nextIndex = 1;

    private void open() throws Exception {
        replayed.clear();
        report = new WalReader.Report();
        log = WalLog.open(disk, "wal", CONFIG, replayed::add, report);
        writer = new GroupCommitWriter(log, CONFIG, BatchHandler.CALLBACKS_ONLY);
    }

    private void prepareSpare() {
        for (int i = 0; i < 100 && log.spareWanted(0); i++) {
            log.prepareSpare(0);
        }
        assertThat(log.spareWanted(0)).as("spare ready").isFalse();
    }

    /** One batch of one request: the same size every time, so the lives' frames line up. */
    private void write(long group) {
        writer.offer(request(group, nextIndex++, 1, r));
        writer.doWork();
    }

    /** Writes batches of {@code group} until the WAL starts file {@code seq}, and one batch into it. */
    private void writeInto(long seq, long group) {
        for (int i = 0; i < 10_000 && log.activeSeq() < seq; i++) {
            write(group);
        }
        assertThat(log.activeSeq()).isEqualTo(seq);
    }

    /**
     * File 1 grows (no spare yet), file 2 is a zero-filled spare written full of group 1's records, file 3
     * another; then files 1 and 2 are reclaimed, and file 2 (preallocated) becomes a spare again.
     */
    private void recycleFileTwo() throws Exception {
        open();
        write(1);
        prepareSpare();
        writeInto(2, 1);
        prepareSpare();
        writeInto(3, 1);
        assertThat(log.reclaimBefore(3)).isEqualTo(2);
        assertThat(log.sparesRecycled()).as("file 2 recycled, file 1 (a growing file) deleted").isEqualTo(1);
        assertThat(log.sparesPrepared()).isEqualTo(2);
        assertThat(disk.exists(WalLog.path("wal", 1))).isFalse();
        assertThat(disk.exists(WalLog.path("wal", 2))).isFalse();
        writeInto(4, 2);
        assertThat(log.filesStartedPreallocated()).as("file 4 is the recycled file 2").isEqualTo(3);
        assertThat(log.sparesPrepared()).as("no zeros written for file 4").isEqualTo(2);
    }

    private List<WalRecord> replayedOf(long seq) {
        return replayed.stream().filter(rec -> rec.fileSeq() == seq).toList();
    }

    @Test
    void theOldFramesAfterARecycledFilesRecordsAreACleanEndNotRecords() throws Exception {
        recycleFileTwo();
        write(2);
        long durable = r.durable;
        disk = disk.crash();

        open();

        assertThat(report.cutReason).as(report.toString()).isNull();
        assertThat(replayedOf(4)).as("two batches of group 2 (an entries and a hard-state record each)")
                .hasSize(4).allMatch(rec -> rec.groupId() == 2);
        assertThat(r.durable).isEqualTo(durable);
        write(2);
        log.close();
        open();
        assertThat(report.cutReason).isNull();
        assertThat(replayedOf(4)).hasSize(6).allMatch(rec -> rec.groupId() == 2);
    }

    @Test
    void aTornFrameOfTheNewLifeIsATornTailAndIsCleared() throws Exception {
        recycleFileTwo();
        long dataEnd = log.totalBytes() - fileBytes(3);
        log.close();
        byte[] torn = new byte[WalFrame.HEADER_BYTES + 4];
        java.nio.ByteBuffer.wrap(torn).putInt(40).putInt(12345).putLong(4);
        try (FileHandle f = disk.open(WalLog.path("wal", 4), OpenMode.READ_WRITE)) {
            f.write(dataEnd, torn, 0, torn.length);
            f.sync();
        }

        open();

        assertThat(report.cutReason).isEqualTo("bad CRC");
        assertThat(report.cutFileSeq).isEqualTo(4);
        assertThat(replayedOf(4)).hasSize(2).allMatch(rec -> rec.groupId() == 2);
        write(2);
        log.close();
        open();
        assertThat(report.cutReason).isNull();
        assertThat(replayedOf(4)).hasSize(4).allMatch(rec -> rec.groupId() == 2);
    }

    @Test
    void aFrameOfThisFileBeyondADamagedOneIsCorruptionNotACleanEnd() throws Exception {
        recycleFileTwo();
        long secondBatch = log.totalBytes() - fileBytes(3);
        write(2);
        write(2);
        log.close();
        try (FileHandle f = disk.open(WalLog.path("wal", 4), OpenMode.READ_WRITE)) {
            f.write(secondBatch, new byte[WalFrame.HEADER_BYTES], 0, WalFrame.HEADER_BYTES); // a zeroed header
            f.sync();
        }

        open();

        assertThat(report.cutReason).as("durable frames of file 4 lie beyond the damaged one")
                .startsWith("a frame of this file at offset");
        assertThat(replayedOf(4)).hasSize(2);
    }

    @Test
    void aLastFrameWhoseFileNumberWasDamagedIsATornTailNotACleanEnd() throws Exception {
        recycleFileTwo();
        long lastFrame = log.totalBytes() - fileBytes(3) - (WalFrame.HEADER_BYTES + WalFrame.BODY_PREFIX_BYTES
                + WalCodec.HARD_STATE_BYTES);
        log.close();
        disk.flipBit(WalLog.path("wal", 4), lastFrame + WalFrame.FILE_SEQ_OFFSET + 7, 1);

        open();

        assertThat(report.cutReason).as(report.toString()).isEqualTo("bad CRC");
        assertThat(replayedOf(4)).hasSize(1);
    }

    @Test
    void aReclaimedFileIsDeletedWhenSparesAreAlreadyReadyOrSpaceIsShort() throws Exception {
        open();
        prepareSpare();
        writeInto(2, 1);
        prepareSpare();
        writeInto(3, 1);
        prepareSpare();
        writeInto(4, 1);
        prepareSpare();
        writeInto(5, 1);
        prepareSpare(); // one ready spare, unused

        disk.setCapacityBytes(disk.usedBytes() + CONFIG.fileBytesTarget());
        log.reclaimBefore(3);
        assertThat(log.sparesRecycled()).as("not with less than twice a file free").isZero();
        assertThat(disk.exists(WalLog.path("wal", 2))).isFalse();

        disk.setCapacityBytes(Long.MAX_VALUE);
        log.reclaimBefore(5);
        assertThat(log.sparesRecycled()).as("file 3 joins the ready spare; file 4 finds %d ready", WalSpare.READY_MAX)
                .isEqualTo(1);
        assertThat(disk.list("wal")).filteredOn(n -> n.startsWith(WalSpare.PREFIX)).hasSize(WalSpare.READY_MAX);
        assertThat(disk.exists(WalLog.path("wal", 4))).isFalse();
    }

    @Test
    void aRecycledSpareNotYetTakenIsDeletedAtOpenAndItsOldRecordsNeverReplayed() throws Exception {
        open();
        prepareSpare();
        writeInto(2, 1);
        prepareSpare();
        writeInto(3, 1);
        log.reclaimBefore(3);
        assertThat(log.sparesRecycled()).isEqualTo(1);
        disk = disk.crash();

        open();

        assertThat(disk.list("wal")).noneMatch(n -> n.startsWith(WalSpare.PREFIX));
        assertThat(replayed).allMatch(rec -> rec.fileSeq() == 3);
    }

    private long fileBytes(long seq) throws Exception {
        // the data end of a file other than the active one, read back through a fresh scan
        List<WalRecord> none = new ArrayList<>();
        return new WalReader(disk, "wal", CONFIG.recordBytesMax()).scan(seq, none::add).offset();
    }
}
