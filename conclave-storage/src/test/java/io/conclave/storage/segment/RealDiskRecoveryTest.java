package io.conclave.storage.segment;

import static io.conclave.storage.segment.Entries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.RealDisk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery on the real file system, with damage made by cutting files and flipping bytes at seeded offsets. */
class RealDiskRecoveryTest {

    static final int DATA_BYTES = 40;
    static final int FRAME_BYTES = RecordFormat.HEADER_BYTES + DATA_BYTES;
    static final int ENTRIES = 120;
    static final SegmentConfig CONFIG = SegmentConfig.DEFAULT.withSegmentBytesMax(1200).withIndexIntervalBytes(200);

    @TempDir
    Path root;

    List<Entry> written() {
        return range(3, 1, ENTRIES, DATA_BYTES);
    }

    RealDisk disk() throws IOException {
        return new RealDisk(root);
    }

    void writeLog() throws IOException {
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            for (int i = 0; i < ENTRIES; i += 10) {
                log.append(written().subList(i, i + 10), 5_000 + i);
            }
            log.sync();
        }
    }

    List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("log"))) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    static void flip(Path file, long pos) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x10);
        }
    }

    static void cut(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @Test
    void aTailCutInsideARecordIsTruncatedReportedAndNeverServed() throws IOException {
        SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 10; round++) {
            writeLog();
            Path last = segments().get(segments().size() - 1);
            long size = Files.size(last);
            long recordsBefore = (size - SegmentHeader.BYTES) / FRAME_BYTES;
            long recordsKept = random.nextLong(recordsBefore);
            long cutAt = SegmentHeader.BYTES + recordsKept * FRAME_BYTES + 1 + random.nextInt(FRAME_BYTES - 1);
            cut(last, cutAt);
            try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
                RecoveryReport r = log.recovery();
                assertThat(r.needsSnapshot()).isFalse();
                assertThat(r.tornTail()).isNotNull();
                assertThat(r.tornTail().file()).isEqualTo("log/" + last.getFileName());
                assertThat(r.tornTail().position()).isEqualTo(SegmentHeader.BYTES + recordsKept * FRAME_BYTES);
                assertThat(r.tornTail().bytesCut()).isEqualTo(cutAt - r.tornTail().position());
                long lastIndex = ENTRIES - recordsBefore + recordsKept;
                assertThat(log.lastIndex()).isEqualTo(lastIndex);
                assertThat(log.read(1, lastIndex + 1, Long.MAX_VALUE)).isEqualTo(written().subList(0, (int) lastIndex));
            }
            for (Path p : segments()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aFlippedByteBeforeTheTailIsReportedWithFileAndPositionAndNothingIsServed() throws IOException {
        SplittableRandom random = new SplittableRandom(23);
        for (int round = 0; round < 12; round++) {
            writeLog();
            List<Path> segs = segments();
            int which = random.nextInt(segs.size());
            Path victim = segs.get(which);
            long limit = Files.size(victim) - (which == segs.size() - 1 ? FRAME_BYTES : 0);
            long pos = random.nextLong(limit);
            flip(victim, pos);
            try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
                RecoveryReport r = log.recovery();
                assertThat(r.needsSnapshot()).as("flip at %s of %s: %s", pos, victim, r.describe()).isTrue();
                assertThat(r.corruption().file()).isEqualTo("log/" + victim.getFileName());
                long recordStart = pos < SegmentHeader.BYTES ? 0
                        : SegmentHeader.BYTES + (pos - SegmentHeader.BYTES) / FRAME_BYTES * FRAME_BYTES;
                assertThat(r.corruption().position()).isEqualTo(recordStart);
                assertThat(r.describe()).contains("NEEDS SNAPSHOT").contains(victim.getFileName().toString());
                assertThatThrownBy(() -> log.read(1, 2, 100)).isInstanceOf(CorruptLogException.class)
                        .hasMessageContaining("at byte " + recordStart);
                assertThatThrownBy(log::lastIndex).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> log.append(range(3, 1, 1, 1), 0)).isInstanceOf(CorruptLogException.class);
                log.reset(ENTRIES, 3);
                log.append(range(4, ENTRIES + 1, ENTRIES + 2, 5), 0);
                log.sync();
            }
            try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
                assertThat(log.recovery().needsSnapshot()).isFalse();
                assertThat(log.read(ENTRIES + 1, ENTRIES + 3, 1000)).isEqualTo(range(4, ENTRIES + 1, ENTRIES + 2, 5));
                log.reset(0, 0);
            }
        }
    }

    @Test
    void aFlipInTheLastRecordOfTheLastSegmentIsATornTail() throws IOException {
        writeLog();
        Path last = segments().get(segments().size() - 1);
        flip(last, Files.size(last) - 3);
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            assertThat(log.recovery().tornTail().reason()).contains("CRC");
            assertThat(log.lastIndex()).isEqualTo(ENTRIES - 1);
        }
    }

    @Test
    void aSegmentCutAtARecordBoundaryBeforeTheLastIsCaughtByTheIndexGap() throws IOException {
        writeLog();
        Path first = segments().get(0);
        cut(first, Files.size(first) - FRAME_BYTES);
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            assertThat(log.recovery().needsSnapshot()).isTrue();
            assertThat(log.recovery().corruption().reason()).contains("ends at index");
        }
    }

    @Test
    void damageFoundByAReadIsReportedAndMakesTheLogUnavailable() throws IOException {
        writeLog();
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            flip(segments().get(1), SegmentHeader.BYTES + FRAME_BYTES + 40);
            assertThat(log.read(1, 3, Long.MAX_VALUE)).hasSize(2);
            assertThatThrownBy(() -> log.read(1, ENTRIES + 1, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(segments().get(1).getFileName().toString())
                    .hasMessageContaining("at byte " + (SegmentHeader.BYTES + FRAME_BYTES));
            assertThat(log.needsSnapshot()).isTrue();
        }
    }

    @Test
    void indexFilesDeletedOrDamagedAreRebuiltAndReadsStayRight() throws IOException {
        writeLog();
        List<Path> segs = segments();
        Path dir = root.resolve("log");
        String s0 = segs.get(0).getFileName().toString().replace(".log", "");
        String s1 = segs.get(1).getFileName().toString().replace(".log", "");
        String s2 = segs.get(2).getFileName().toString().replace(".log", "");
        Files.delete(dir.resolve(s0 + ".idx"));
        Files.delete(dir.resolve(s0 + ".tim"));
        cut(dir.resolve(s1 + ".tim"), 5);
        Files.write(dir.resolve(s2 + ".idx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            assertThat(log.recovery().cachesRebuilt()).hasSize(3);
            assertThat(log.read(1, ENTRIES + 1, Long.MAX_VALUE)).isEqualTo(written());
            for (int i = 0; i < ENTRIES; i += 10) {
                assertThat(log.indexForTimestamp(5_000 + i)).isEqualTo(i + 1);
                assertThat(log.indexForTimestamp(5_000 + i - 1)).isEqualTo(i + 1);
            }
        }
        assertThat(dir.resolve(s0 + ".idx")).exists();
        try (SegmentLog log = SegmentLog.open(disk(), "log", CONFIG)) {
            assertThat(log.recovery().clean()).as(log.recovery().describe()).isTrue();
        }
    }
}
