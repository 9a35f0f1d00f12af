package io.conclave.storage.segment;

import static io.conclave.storage.segment.Entries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** I/O errors: a failed fsync poisons the log until reopen; a full disk and a read error that changed nothing do not. */
class IoFailureTest {

    static final SegmentConfig CONFIG = SegmentConfig.DEFAULT.withSegmentBytesMax(2048);
    final SimDisk disk = new SimDisk(41);

    @Test
    void aFailedFsyncMakesTheLogUnusableUntilReopenedAndTheDroppedWritesAreNotServedAfter() throws IOException {
        String segment = "log/" + Segment.fileBase(1) + ".log";
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            log.append(range(1, 1, 5, 10), 0);
            log.sync();
            log.append(range(1, 6, 9, 10), 0);
            disk.failSyncs(segment);
            assertThatThrownBy(log::sync).hasMessageContaining("fsync error");
            assertThat(log.failure()).hasMessageContaining("unusable").hasMessageContaining("reopen");
            assertThatThrownBy(() -> log.read(1, 2, 10)).hasMessageContaining("unusable");
            assertThatThrownBy(() -> log.append(range(1, 10, 10, 1), 0)).hasMessageContaining("unusable");
            assertThatThrownBy(log::lastIndex).isInstanceOf(IllegalStateException.class);
        }
        disk.healSyncs(segment);
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            assertThat(log.lastIndex()).isEqualTo(5);
            assertThat(log.read(1, 6, Long.MAX_VALUE)).isEqualTo(range(1, 1, 5, 10));
        }
    }

    /**
     * Found by the simulator (log workload, seed 32, with WAL preallocation): a read error while an
     * append located where to cut the old suffix left the log unusable, so the group's materialized
     * entries could not be read again until the node restarted. Nothing had changed yet.
     */
    @Test
    void aReadErrorWhileLocatingACutLeavesTheLogUnchangedAndUsable() throws IOException {
        String segment = "log/" + Segment.fileBase(1) + ".log";
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            log.append(range(1, 1, 10, 10), 0);
            log.sync();
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            disk.failReads(segment);
            assertThatThrownBy(() -> log.append(range(2, 6, 8, 10), 0)).hasMessageContaining("read error");
            assertThat(log.failure()).isNull();
            assertThat(log.lastIndex()).isEqualTo(10);
            disk.healReads(segment);
            assertThat(log.read(1, 11, Long.MAX_VALUE)).isEqualTo(range(1, 1, 10, 10));
            log.append(range(2, 6, 8, 10), 0);
            log.sync();
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            List<Entry> expected = new ArrayList<>(range(1, 1, 5, 10));
            expected.addAll(range(2, 6, 8, 10));
            assertThat(log.read(1, 9, Long.MAX_VALUE)).isEqualTo(expected);
        }
    }

    @Test
    void aResetClearsAFailure() throws IOException {
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            log.append(range(1, 1, 5, 10), 0);
            disk.failSyncs("log/" + Segment.fileBase(1) + ".log");
            assertThatThrownBy(log::sync).isInstanceOf(IOException.class);
            disk.healSyncs("log/" + Segment.fileBase(1) + ".log");
            log.reset(10, 2);
            assertThat(log.failure()).isNull();
            log.append(range(2, 11, 12, 3), 0);
            log.sync();
            assertThat(log.read(11, 13, 100)).isEqualTo(range(2, 11, 12, 3));
        }
    }

    @Test
    void aFullDiskLeavesAPrefixOfTheAppendAndTheLogUsable() throws IOException {
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            log.append(range(1, 1, 10, 50), 0);
            log.sync();
            disk.setCapacityBytes(disk.usedBytes() + 5 * (RecordFormat.HEADER_BYTES + 50) + 10);
            assertThatThrownBy(() -> log.append(range(1, 11, 40, 50), 0)).hasMessageContaining("disk full");
            assertThat(log.lastIndex()).isBetween(10L, 39L);
            assertThat(log.failure()).isNull();
            long last = log.lastIndex();
            assertThat(log.read(1, last + 1, Long.MAX_VALUE)).isEqualTo(range(1, 1, last, 50));
            disk.setCapacityBytes(Long.MAX_VALUE);
            log.append(range(1, last + 1, 40, 50), 0);
            log.sync();
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            assertThat(log.read(1, 41, Long.MAX_VALUE)).isEqualTo(range(1, 1, 40, 50));
        }
    }
}
