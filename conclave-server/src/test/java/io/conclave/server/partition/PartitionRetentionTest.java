package io.conclave.server.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.apply.StateMachine.IndexedSnapshot;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.storage.MemoryStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retention on one partition replica: what goes, what the boundary snapshot carries, what a restore rebuilds. */
class PartitionRetentionTest {

    private final List<Entry> entries = new ArrayList<>();

    private static PartitionCommand.StoredRecord rec(String v) {
        return new PartitionCommand.StoredRecord(null, v.getBytes(StandardCharsets.UTF_8), 1L, List.of());
    }

    /** Appends a batch (stamped with {@code appendMs} and the log's next offset) and applies it. */
    private Entry append(PartitionLog log, long pid, int seq, long appendMs, String... values) {
        List<PartitionCommand.StoredRecord> rs = new ArrayList<>();
        for (String v : values) {
            rs.add(rec(v));
        }
        byte[] data = new PartitionCommand(PartitionCommand.Type.APPEND, pid, seq, false, log.nextOffset(), appendMs, rs)
                .encode();
        Entry e = new Entry(1, entries.size() + 1, EntryType.NORMAL, data);
        entries.add(e);
        log.apply(List.of(e));
        return e;
    }

    private Entry sync(PartitionLog log) {
        Entry e = new Entry(1, entries.size() + 1, EntryType.NORMAL, PartitionCommand.sync().encode());
        entries.add(e);
        log.apply(List.of(e));
        return e;
    }

    private static int batchBytes(String... values) {
        int n = 0;
        for (String v : values) {
            n += rec(v).sizeBytes();
        }
        return n;
    }

    @Test
    void aLogKeptForeverNeverMovesItsStartAndOffersNoSnapshot() {
        PartitionLog log = new PartitionLog(1, g -> { });
        append(log, 0, 0, 1_000, "a", "b");
        append(log, 0, 0, 2_000, "c");
        assertThat(log.retentionSnapshot(Long.MAX_VALUE / 2)).isNull();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.span(0, 10)).isEqualTo(new PartitionLog.Span(1, 2));
    }

    @Test
    void batchesOlderThanRetentionMsGoOldestFirstAndTheSnapshotSitsAtTheLastOneDropped() {
        PartitionLog log = new PartitionLog(1, g -> { });
        append(log, 0, 0, 1_000, "a", "b");
        sync(log);
        Entry second = append(log, 0, 0, 2_000, "c");
        append(log, 0, 0, 9_000, "d", "e");
        log.retention(new PartitionLog.Retention(5_000, -1));
        IndexedSnapshot snap = log.retentionSnapshot(10_000);
        assertThat(snap).isNotNull();
        assertThat(snap.index()).isEqualTo(second.index());
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(log.nextOffset()).isEqualTo(5);
        assertThat(log.span(2, 10)).isNull();
        assertThat(log.span(3, 10)).isEqualTo(new PartitionLog.Span(4, 4));
        assertThat(log.retentionSnapshot(10_000)).as("nothing new to drop: no new snapshot").isNull();
    }

    @Test
    void retentionBytesKeepsTheNewestBatchesThatFit() {
        PartitionLog log = new PartitionLog(1, g -> { });
        append(log, 0, 0, 1, "aaaa");
        append(log, 0, 0, 1, "bbbb");
        append(log, 0, 0, 1, "cccc");
        long one = batchBytes("aaaa");
        assertThat(log.retainedBytes()).isEqualTo(3 * one);
        log.retention(new PartitionLog.Retention(-1, 2 * one));
        assertThat(log.retentionSnapshot(0).index()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(1);
        assertThat(log.retainedBytes()).isEqualTo(2 * one);
        log.retention(new PartitionLog.Retention(-1, one - 1));
        assertThat(log.retentionSnapshot(0).index()).isEqualTo(3);
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(log.nextOffset()).isEqualTo(3);
        assertThat(log.retainedBytes()).isZero();
    }

    @Test
    void restoringTheBoundaryAndReplayingTheRestRebuildsTheSameStateIncludingDeduplication() {
        PartitionLog original = new PartitionLog(1, g -> { });
        for (int i = 0; i < 12; i++) {
            append(original, 7, i, 1_000 + i, "p7-" + i);
            append(original, 8, i, 1_000 + i, "p8-" + i, "x");
        }
        original.retention(new PartitionLog.Retention(5, -1));
        IndexedSnapshot snap = original.retentionSnapshot(1_000 + 10);
        assertThat(snap).isNotNull();

        PartitionLog rebuilt = new PartitionLog(1, g -> { });
        rebuilt.restore(snap.data());
        assertThat(rebuilt.appliedIndex()).isEqualTo(snap.index());
        rebuilt.apply(entries.subList((int) snap.index(), entries.size()));

        assertThat(rebuilt.nextOffset()).isEqualTo(original.nextOffset());
        assertThat(rebuilt.digest()).isEqualTo(original.digest());
        assertThat(rebuilt.logStartOffset()).isEqualTo(original.logStartOffset());
        for (long pid : List.of(7L, 8L)) {
            assertThat(rebuilt.lastSequence(pid)).isEqualTo(original.lastSequence(pid));
            for (int seq = 4; seq < 12; seq++) {
                assertThat(rebuilt.offsetOf(pid, seq)).as("producer %d batch %d", pid, seq)
                        .isEqualTo(original.offsetOf(pid, seq));
            }
        }
        // A retry of a batch from behind the boundary is still recognized as a duplicate.
        long before = rebuilt.nextOffset();
        Entry retry = new Entry(1, entries.size() + 1, EntryType.NORMAL, new PartitionCommand(
                PartitionCommand.Type.APPEND, 8, 11, false, before, 2_000, List.of(rec("p8-11"), rec("x"))).encode());
        rebuilt.apply(List.of(retry));
        assertThat(rebuilt.resultAt(retry.index()).kind()).isEqualTo(ApplyResult.Kind.DUPLICATE);
        assertThat(rebuilt.nextOffset()).isEqualTo(before);
    }

    @Test
    void aReadBelowTheLogStartIsOutOfRangeAndReadsAfterItAreServed() {
        PartitionLog log = new PartitionLog(1, g -> { });
        MemoryStorage raftLog = new MemoryStorage();
        append(log, 0, 0, 1, "a");
        append(log, 0, 0, 1, "b");
        append(log, 0, 0, 100, "c");
        raftLog.append(entries);
        log.retention(new PartitionLog.Retention(10, -1));
        log.retentionSnapshot(50);
        assertThatThrownBy(() -> PartitionReader.read(log, raftLog, 1, 1 << 20))
                .satisfies(e -> assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE))
                .hasMessageContaining("starts at 2");
        PartitionReader.Slice slice = PartitionReader.read(log, raftLog, 2, 1 << 20);
        assertThat(slice.records()).extracting(f -> new String(f.record().value(), StandardCharsets.UTF_8))
                .containsExactly("c");
        assertThat(slice.records().get(0).offset()).isEqualTo(2);
    }
}
