package io.conclave.storage.segment;

import static io.conclave.storage.segment.Entries.entry;
import static io.conclave.storage.segment.Entries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.raft.storage.LogCompactedException;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentLogTest {

    static final SegmentConfig SMALL = SegmentConfig.DEFAULT.withSegmentBytesMax(1024).withIndexIntervalBytes(128);

    final SimDisk disk = new SimDisk(7);

    SegmentLog open() throws IOException {
        return SegmentLog.open(disk, "g/1", SMALL);
    }

    @Test
    void aFreshLogIsEmptyAndStartsAtOne() throws IOException {
        try (SegmentLog log = open()) {
            assertThat(log.firstIndex()).isEqualTo(1);
            assertThat(log.lastIndex()).isZero();
            assertThat(log.term(0)).isZero();
            assertThat(log.recovery().clean()).isTrue();
            assertThat(log.read(1, 1, 100)).isEmpty();
        }
    }

    @Test
    void entriesAreReadBackAcrossRolledSegmentsAfterReopen() throws IOException {
        List<Entry> all = new ArrayList<>();
        try (SegmentLog log = open()) {
            for (long i = 1; i <= 200; i += 10) {
                List<Entry> batch = range(1 + i / 50, i, i + 9, 20 + (int) (i % 40));
                log.append(batch, 1000 + i);
                all.addAll(batch);
            }
            log.sync();
            assertThat(log.segmentCount()).isGreaterThan(5);
            assertThat(log.read(1, 201, Long.MAX_VALUE)).isEqualTo(all);
        }
        try (SegmentLog log = open()) {
            assertThat(log.recovery().clean()).as(log.recovery().describe()).isTrue();
            assertThat(log.lastIndex()).isEqualTo(200);
            assertThat(log.read(1, 201, Long.MAX_VALUE)).isEqualTo(all);
            assertThat(log.read(77, 133, Long.MAX_VALUE)).isEqualTo(all.subList(76, 132));
            for (Entry e : all) {
                assertThat(log.term(e.index())).isEqualTo(e.term());
            }
        }
    }

    @Test
    void readsStopAtTheByteLimitButReturnAtLeastOneEntry() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 10, 100), 0);
            assertThat(log.read(1, 11, 0)).hasSize(1);
            assertThat(log.read(1, 11, 3 * 124)).hasSize(3);
            assertThat(log.read(1, 11, 3 * 124 + 123)).hasSize(3);
            assertThatThrownBy(() -> log.read(1, 12, 10)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aConflictingAppendTruncatesTheSuffixButNeverAProtectedEntry() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 30, 50), 0);
            assertThatThrownBy(() -> log.append(range(2, 10, 12, 5), 0, 10))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("protected");
            assertThat(log.lastIndex()).isEqualTo(30);
            log.append(range(2, 11, 12, 5), 0, 10);
            assertThat(log.lastIndex()).isEqualTo(12);
            assertThat(log.term(10)).isEqualTo(1);
            assertThat(log.term(11)).isEqualTo(2);
            log.sync();
        }
        try (SegmentLog log = open()) {
            assertThat(log.lastIndex()).isEqualTo(12);
            assertThat(log.read(9, 13, Long.MAX_VALUE)).containsExactly(entry(1, 9, 50), entry(1, 10, 50),
                    entry(2, 11, 5), entry(2, 12, 5));
        }
    }

    @Test
    void truncatingToTheBaseOfTheFirstSegmentEmptiesTheLog() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(3, 1, 40, 60), 0);
            log.truncateSuffix(1);
            assertThat(log.lastIndex()).isZero();
            assertThat(log.segmentCount()).isEqualTo(1);
            log.append(range(4, 1, 2, 1), 0);
            log.sync();
        }
        try (SegmentLog log = open()) {
            assertThat(log.read(1, 3, 1000)).containsExactly(entry(4, 1, 1), entry(4, 2, 1));
        }
    }

    @Test
    void badAppendsAreRejected() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(2, 1, 3, 1), 0);
            assertThatThrownBy(() -> log.append(range(2, 5, 6, 1), 0)).hasMessageContaining("gap");
            assertThatThrownBy(() -> log.append(List.of(entry(2, 4, 1), entry(2, 6, 1)), 0))
                    .hasMessageContaining("contiguous");
            assertThatThrownBy(() -> log.append(range(1, 4, 4, 1), 0)).hasMessageContaining("below");
        }
    }

    @Test
    void compactionMovesTheFirstIndexAndDeletesWholeSegmentsOnly() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 100, 50), 0);
            int before = log.segmentCount();
            log.compactPrefix(60);
            assertThat(log.firstIndex()).isEqualTo(61);
            assertThat(log.term(60)).isEqualTo(1);
            assertThatThrownBy(() -> log.term(59)).isInstanceOf(LogCompactedException.class);
            assertThatThrownBy(() -> log.read(60, 61, 10)).isInstanceOf(LogCompactedException.class);
            assertThat(log.segmentCount()).isLessThan(before);
            assertThat(log.read(61, 101, Long.MAX_VALUE)).isEqualTo(range(1, 61, 100, 50));
            assertThatThrownBy(() -> log.compactPrefix(101)).hasMessageContaining("reset");
            log.sync();
        }
        try (SegmentLog log = open()) {
            assertThat(log.firstIndex()).isLessThanOrEqualTo(61).isGreaterThan(1);
            assertThat(log.term(log.firstIndex() - 1)).isEqualTo(1);
        }
    }

    @Test
    void resetDropsEverythingAndTheLogContinuesAfterTheSnapshot() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 100, 50), 0);
            log.reset(500, 7);
            assertThat(log.firstIndex()).isEqualTo(501);
            assertThat(log.lastIndex()).isEqualTo(500);
            assertThat(log.term(500)).isEqualTo(7);
            log.append(range(8, 501, 503, 10), 0);
            log.sync();
        }
        assertThat(disk.list("g/1")).filteredOn(n -> n.endsWith(".log")).containsExactly("00000000000000000501.log");
        try (SegmentLog log = open()) {
            assertThat(log.firstIndex()).isEqualTo(501);
            assertThat(log.term(500)).isEqualTo(7);
            assertThat(log.read(501, 504, 1000)).isEqualTo(range(8, 501, 503, 10));
        }
    }

    @Test
    void resetBelowTheLastIndexAlsoWorks() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 100, 50), 0);
            log.reset(20, 1);
            log.append(range(2, 21, 22, 10), 0);
            log.sync();
        }
        try (SegmentLog log = open()) {
            assertThat(log.firstIndex()).isEqualTo(21);
            assertThat(log.lastIndex()).isEqualTo(22);
        }
    }

    @Test
    void timeLookupFindsTheFirstEntryAtOrAfterATimestamp() throws IOException {
        try (SegmentLog log = open()) {
            for (int b = 0; b < 50; b++) {
                log.append(range(1, b * 4 + 1, b * 4 + 4, 30), 10_000 + b * 100L);
            }
            assertThat(log.indexForTimestamp(0)).isEqualTo(1);
            assertThat(log.indexForTimestamp(10_000)).isEqualTo(1);
            assertThat(log.indexForTimestamp(10_001)).isEqualTo(5);
            assertThat(log.indexForTimestamp(12_500)).isEqualTo(101);
            assertThat(log.indexForTimestamp(12_450)).isEqualTo(101);
            assertThat(log.indexForTimestamp(14_900)).isEqualTo(197);
            assertThat(log.indexForTimestamp(14_901)).isEqualTo(201);
            log.compactPrefix(150);
            assertThat(log.indexForTimestamp(0)).isEqualTo(151);
            // a timestamp going backwards is raised to the newest one
            log.append(range(1, 201, 201, 1), 5);
            assertThat(log.indexForTimestamp(14_900)).isEqualTo(197);
            assertThat(log.indexForTimestamp(14_901)).isEqualTo(202);
        }
    }

    @Test
    void indexFilesThatAreMissingOrDamagedAreRebuiltAndReadsStayRight() throws IOException {
        try (SegmentLog log = open()) {
            log.append(range(1, 1, 100, 40), 1);
            log.sync();
        }
        List<String> caches = disk.list("g/1").stream().filter(n -> !n.endsWith(".log")).toList();
        assertThat(caches).anyMatch(n -> n.endsWith(".idx")).anyMatch(n -> n.endsWith(".tim"));
        disk.delete("g/1/" + caches.get(0));
        String damaged = "g/1/" + caches.stream().filter(n -> n.endsWith(".idx")).reduce((a, b) -> b).orElseThrow();
        try (FileHandle h = disk.open(damaged, OpenMode.READ_WRITE)) {
            h.write(0, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, 0, 16);
        }
        try (SegmentLog log = open()) {
            assertThat(log.recovery().cachesRebuilt()).hasSize(2);
            assertThat(log.read(1, 101, Long.MAX_VALUE)).isEqualTo(range(1, 1, 100, 40));
        }
        try (SegmentLog log = open()) {
            assertThat(log.recovery().clean()).isTrue();
        }
    }

    @Test
    void retentionDeletesOnlyWholeSegmentsBehindTheSnapshotThatBreakALimit() throws IOException {
        SegmentConfig cfg = SMALL.withRetention(new RetentionPolicy(3000, 60_000));
        try (SegmentLog log = SegmentLog.open(disk, "r", cfg)) {
            for (int i = 0; i < 100; i++) {
                log.append(range(1, i + 1, i + 1, 60), 1_000L * i);
            }
            long total = log.sizeBytes();
            assertThat(total).isGreaterThan(3000);
            RetentionResult none = log.applyRetention(100_000, 0);
            assertThat(none.segmentsDeleted()).isEmpty();
            RetentionResult bySize = log.applyRetention(100_000, 50);
            assertThat(bySize.segmentsDeleted()).isNotEmpty();
            assertThat(log.firstIndex()).isEqualTo(bySize.firstIndex()).isLessThanOrEqualTo(51);
            assertThat(bySize.bytesDeleted()).isEqualTo(total - log.sizeBytes());
            assertThat(log.read(log.firstIndex(), 101, Long.MAX_VALUE).get(0).index()).isEqualTo(log.firstIndex());
            // by age: at t = 150 s, segments whose newest entry is older than 90 s are deleted (all behind 100)
            RetentionResult byAge = log.applyRetention(150_000, 100);
            assertThat(byAge.segmentsDeleted()).isNotEmpty();
            assertThat(log.term(log.firstIndex() - 1)).isEqualTo(1);
            assertThat(log.segmentCount()).isGreaterThanOrEqualTo(1);
            assertThat(log.lastIndex()).isEqualTo(100);
        }
    }

    @Test
    void aRecordLargerThanASegmentGetsASegmentOfItsOwn() throws IOException {
        try (SegmentLog log = open()) {
            log.append(List.of(entry(1, 1, 10), entry(1, 2, 5000), entry(1, 3, 10)), 0);
            log.sync();
            assertThat(log.segmentCount()).isEqualTo(3);
        }
        try (SegmentLog log = open()) {
            assertThat(log.read(1, 4, Long.MAX_VALUE)).containsExactly(entry(1, 1, 10), entry(1, 2, 5000),
                    entry(1, 3, 10));
        }
    }
}
