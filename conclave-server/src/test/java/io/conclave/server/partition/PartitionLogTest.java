package io.conclave.server.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partition state machine on its own: offsets, fencing, idempotence, the index and the digest. */
class PartitionLogTest {

    private final List<Long> fenced = new ArrayList<>();
    private final PartitionLog log = new PartitionLog(9, fenced::add);
    private long index;

    private static PartitionCommand.StoredRecord rec(String v) {
        return new PartitionCommand.StoredRecord(null, v.getBytes(StandardCharsets.UTF_8), 1L, List.of());
    }

    private ApplyResult apply(long pid, int seq, boolean eventual, long base, String... values) {
        List<PartitionCommand.StoredRecord> rs = new ArrayList<>();
        for (String v : values) {
            rs.add(rec(v));
        }
        byte[] data = new PartitionCommand(PartitionCommand.Type.APPEND, pid, seq, eventual, base, 1L, rs).encode();
        long i = ++index;
        log.apply(List.of(new Entry(1, i, EntryType.NORMAL, data)));
        return log.resultAt(i);
    }

    /**
     * Apply reads records in place ({@link PartitionCommand.View}) instead of decoding copies of them: the
     * digest must be exactly the one computed over the decoded records, with and without keys and headers.
     */
    @Test
    void theDigestOfRecordsReadInPlaceEqualsTheDigestOfDecodedRecords() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        long expected = log.digest();
        long offset = 0;
        for (int batch = 0; batch < 40; batch++) {
            List<PartitionCommand.StoredRecord> rs = new ArrayList<>();
            for (int r = rnd.nextInt(1, 6); r > 0; r--) {
                byte[] key = rnd.nextBoolean() ? null : bytes(rnd, rnd.nextInt(0, 20));
                List<PartitionCommand.Header> hs = new ArrayList<>();
                for (int h = rnd.nextInt(0, 3); h > 0; h--) {
                    hs.add(new PartitionCommand.Header("h" + rnd.nextInt(100), bytes(rnd, rnd.nextInt(0, 9))));
                }
                rs.add(new PartitionCommand.StoredRecord(key, bytes(rnd, rnd.nextInt(0, 300)), rnd.nextLong(), hs));
            }
            byte[] data = new PartitionCommand(PartitionCommand.Type.APPEND, 0, 0, false, offset, 1L, rs).encode();
            for (PartitionCommand.StoredRecord r : PartitionCommand.decode(data).records()) {
                expected = PartitionLog.mixRecord(expected, offset++, r);
            }
            log.apply(List.of(new Entry(1, ++index, EntryType.NORMAL, data)));
            assertThat(log.digest()).as("after batch " + batch).isEqualTo(expected);
        }
        assertThat(log.nextOffset()).isEqualTo(offset);
    }

    private static byte[] bytes(java.util.SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    @Test
    void batchesGetDenseOffsetsAndAStaleStampIsFenced() {
        assertThat(apply(0, 0, false, 0, "a", "b").kind()).isEqualTo(ApplyResult.Kind.APPENDED);
        assertThat(apply(0, 0, false, 2, "c").baseOffset()).isEqualTo(2);
        ApplyResult stale = apply(0, 0, false, 2, "d");
        assertThat(stale.kind()).isEqualTo(ApplyResult.Kind.FENCED);
        assertThat(fenced).containsExactly(9L);
        assertThat(log.nextOffset()).isEqualTo(3);
        assertThat(log.span(1, 10)).isEqualTo(new PartitionLog.Span(1, 2));
        assertThat(log.baseAtIndex(3)).isEqualTo(-1);
    }

    @Test
    void aProducersRepeatedSequenceIsADuplicateWithItsOriginalOffset() {
        apply(7, 0, false, 0, "a");
        apply(7, 1, false, 1, "b", "c");
        ApplyResult dup = apply(7, 1, false, 3, "b", "c");
        assertThat(dup.kind()).isEqualTo(ApplyResult.Kind.DUPLICATE);
        assertThat(dup.baseOffset()).isEqualTo(1);
        assertThat(log.nextOffset()).isEqualTo(3);
        assertThat(fenced).isEmpty();
    }

    @Test
    void aSequenceGapIsRefusedExceptAfterEventualBatchesThatMayHaveBeenLost() {
        apply(7, 0, false, 0, "a");
        assertThat(apply(7, 2, false, 1, "x").kind()).isEqualTo(ApplyResult.Kind.OUT_OF_SEQUENCE);
        assertThat(apply(7, 5, true, 1, "y").kind()).isEqualTo(ApplyResult.Kind.APPENDED);
        assertThat(apply(7, 5, true, 2, "y").kind()).isEqualTo(ApplyResult.Kind.DUPLICATE);
        assertThat(log.lastSequence(7)).isEqualTo(5);
    }

    @Test
    void replicasApplyingTheSameEntriesHaveTheSameDigestAndADifferentValueChangesIt() {
        PartitionLog other = new PartitionLog(9, g -> { });
        PartitionLog differs = new PartitionLog(9, g -> { });
        byte[] a = new PartitionCommand(PartitionCommand.Type.APPEND, 0, 0, false, 0, 1L, List.of(rec("a"))).encode();
        byte[] b = new PartitionCommand(PartitionCommand.Type.APPEND, 0, 0, false, 0, 1L, List.of(rec("b"))).encode();
        log.apply(List.of(new Entry(1, 1, EntryType.NORMAL, a)));
        other.apply(List.of(new Entry(1, 1, EntryType.NORMAL, a)));
        differs.apply(List.of(new Entry(1, 1, EntryType.NORMAL, b)));
        assertThat(other.digest()).isEqualTo(log.digest());
        assertThat(differs.digest()).isNotEqualTo(log.digest());
    }
}
