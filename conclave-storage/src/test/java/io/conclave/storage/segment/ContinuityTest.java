package io.conclave.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Intact records that do not continue the log (gaps, repeats, terms going backwards) are damage, not a tail. */
class ContinuityTest {

    final SimDisk disk = new SimDisk(31);

    /** Writes a segment file by hand: header at {@code base}, then the given entries' frames. */
    void writeSegment(long base, long prevTerm, List<Entry> entries) throws IOException {
        disk.mkdirs("log");
        try (FileHandle h = disk.open("log/" + Segment.fileBase(base) + ".log", OpenMode.CREATE)) {
            byte[] header = new SegmentHeader(SegmentHeader.Kind.ROLL, 0, base, prevTerm).encode();
            h.append(header, 0, header.length);
            for (Entry e : entries) {
                byte[] b = new byte[RecordFormat.frameBytes(e)];
                RecordFormat.encode(e, 0, b, 0);
                h.append(b, 0, b.length);
            }
            h.sync();
        }
    }

    RecoveryReport recover() throws IOException {
        try (SegmentLog log = SegmentLog.open(disk, "log", SegmentConfig.DEFAULT)) {
            if (log.needsSnapshot()) {
                assertThatThrownBy(() -> log.read(1, 2, 10)).isInstanceOf(CorruptLogException.class);
            }
            return log.recovery();
        }
    }

    @Test
    void aGapBetweenIndexesIsReported() throws IOException {
        writeSegment(1, 0, List.of(Entries.entry(1, 1, 5), Entries.entry(1, 2, 5), Entries.entry(1, 4, 5)));
        RecoveryReport r = recover();
        assertThat(r.needsSnapshot()).isTrue();
        assertThat(r.corruption().reason()).contains("index 4 where 3 was expected");
        assertThat(r.corruption().position()).isEqualTo(SegmentHeader.BYTES + 2L * (RecordFormat.HEADER_BYTES + 5));
    }

    @Test
    void aRepeatedIndexIsReported() throws IOException {
        writeSegment(1, 0, List.of(Entries.entry(1, 1, 5), Entries.entry(1, 1, 5)));
        assertThat(recover().corruption().reason()).contains("index 1 where 2 was expected");
    }

    @Test
    void aTermGoingBackwardsIsReported() throws IOException {
        writeSegment(1, 0, List.of(Entries.entry(3, 1, 5), Entries.entry(2, 2, 5)));
        assertThat(recover().corruption().reason()).contains("term goes backwards");
    }

    @Test
    void aFirstRecordThatDoesNotMatchTheSegmentBaseIsReported() throws IOException {
        writeSegment(10, 2, List.of(Entries.entry(2, 11, 5)));
        assertThat(recover().corruption().reason()).contains("index 11 where 10 was expected");
    }

    @Test
    void aSegmentThatDoesNotContinueThePreviousOneIsReported() throws IOException {
        writeSegment(1, 0, List.of(Entries.entry(1, 1, 5), Entries.entry(1, 2, 5)));
        writeSegment(3, 4, List.of(Entries.entry(4, 3, 5)));
        assertThat(recover().corruption().reason()).contains("after term 4").contains("in term 1");
    }

    @Test
    void aReadErrorIsAnIoErrorNotCorruption() throws IOException {
        writeSegment(1, 0, List.of(Entries.entry(1, 1, 5)));
        try (SegmentLog log = SegmentLog.open(disk, "log", SegmentConfig.DEFAULT)) {
            disk.failReads("log/" + Segment.fileBase(1) + ".log");
            assertThatThrownBy(() -> log.read(1, 2, 10)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(CorruptLogException.class).hasMessageContaining("read error");
            assertThat(log.needsSnapshot()).isFalse();
            disk.healReads("log/" + Segment.fileBase(1) + ".log");
            assertThat(log.read(1, 2, 10)).containsExactly(Entries.entry(1, 1, 5));
        }
    }
}
