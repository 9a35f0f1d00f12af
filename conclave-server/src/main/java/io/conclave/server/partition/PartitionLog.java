package io.conclave.server.partition;

import io.conclave.raft.Entry;
import io.conclave.server.partition.PartitionCommand.StoredRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The applied state of one partition replica. The partition's records live in its Raft log (which
 * it never compacts); this keeps what is needed to serve them: an offset index (for each accepted
 * batch, its base offset, record count and Raft index), the next offset, each idempotent
 * producer's last sequences, a chained digest of every record (to compare replicas), and the
 * results of recent entries for the requests that proposed them.
 *
 * <p>Threads: {@link #apply} runs on the group's applier; every other method may be called from
 * any thread (client requests). All state is guarded by this object's monitor.
 */
public final class PartitionLog {

    /** How many of a producer's last batches are remembered for deduplication. */
    static final int PRODUCER_BATCHES_KEPT = 8;
    private static final int RESULTS_RING = 16_384;

    /** Told when an entry was fenced here (its leader's view of the next offset was stale). */
    public interface FenceListener {
        void onFenced(long groupId);
    }

    private final long groupId;
    private final FenceListener fenceListener;
    private long nextOffset;
    private long digest = 0x9E3779B97F4A7C15L;
    private long appliedIndex;
    private long[] bases = new long[64];
    private long[] raftIndexes = new long[64];
    private int[] counts = new int[64];
    private int batches;
    private final Map<Long, ArrayDeque<long[]>> producers = new HashMap<>();
    private final long[] resultIndex = new long[RESULTS_RING];
    private final ApplyResult[] results = new ApplyResult[RESULTS_RING];
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();

    public PartitionLog(long groupId, FenceListener fenceListener) {
        this.groupId = groupId;
        this.fenceListener = fenceListener;
    }

    // ================================ apply side ================================

    /** Applies committed entries in order (applier thread). */
    public void apply(List<Entry> entries) {
        List<CompletableFuture<Void>> wake;
        boolean fenced = false;
        synchronized (this) {
            long before = nextOffset;
            for (Entry e : entries) {
                PartitionCommand cmd = PartitionCommand.decode(e.data());
                appliedIndex = e.index();
                if (cmd == null) {
                    continue; // a leader's no-op
                }
                ApplyResult r = applyOne(e.index(), cmd);
                fenced |= r.kind() == ApplyResult.Kind.FENCED;
                int slot = (int) (e.index() % RESULTS_RING);
                resultIndex[slot] = e.index();
                results[slot] = r;
            }
            if (nextOffset == before || waiters.isEmpty()) {
                wake = List.of();
            } else {
                wake = waiters;
                waiters = new ArrayList<>();
            }
        }
        if (fenced) {
            fenceListener.onFenced(groupId);
        }
        wake.forEach(w -> w.complete(null));
    }

    private ApplyResult applyOne(long index, PartitionCommand cmd) {
        if (cmd.type() == PartitionCommand.Type.SYNC) {
            return new ApplyResult(ApplyResult.Kind.BARRIER, nextOffset, "");
        }
        if (cmd.producerId() != 0) {
            ArrayDeque<long[]> seen = producers.get(cmd.producerId());
            long last = seen == null ? -1 : seen.peekLast()[0];
            if (cmd.sequence() <= last) {
                for (long[] s : seen) {
                    if (s[0] == cmd.sequence()) {
                        return new ApplyResult(ApplyResult.Kind.DUPLICATE, s[1], "");
                    }
                }
                return new ApplyResult(ApplyResult.Kind.DUPLICATE, -1, "sequence " + cmd.sequence()
                        + " is older than the last " + PRODUCER_BATCHES_KEPT + " batches remembered");
            }
            if (cmd.sequence() != last + 1 && !cmd.gapAllowed()) {
                return new ApplyResult(ApplyResult.Kind.OUT_OF_SEQUENCE, -1, "producer " + cmd.producerId()
                        + " sent sequence " + cmd.sequence() + " but " + (last + 1) + " was expected");
            }
        }
        if (cmd.baseOffset() != nextOffset) {
            return new ApplyResult(ApplyResult.Kind.FENCED, -1, "batch expected offset " + cmd.baseOffset()
                    + " but the partition is at " + nextOffset);
        }
        long base = nextOffset;
        addBatch(base, cmd.records().size(), index);
        for (StoredRecord r : cmd.records()) {
            digest = mixRecord(digest, nextOffset, r);
            nextOffset++;
        }
        if (cmd.producerId() != 0) {
            ArrayDeque<long[]> seen = producers.computeIfAbsent(cmd.producerId(), k -> new ArrayDeque<>());
            seen.addLast(new long[] {cmd.sequence(), base});
            if (seen.size() > PRODUCER_BATCHES_KEPT) {
                seen.removeFirst();
            }
        }
        return ApplyResult.appended(base);
    }

    private void addBatch(long base, int count, long raftIndex) {
        if (batches == bases.length) {
            bases = Arrays.copyOf(bases, batches * 2);
            raftIndexes = Arrays.copyOf(raftIndexes, batches * 2);
            counts = Arrays.copyOf(counts, batches * 2);
        }
        bases[batches] = base;
        raftIndexes[batches] = raftIndex;
        counts[batches] = count;
        batches++;
    }

    static long mixRecord(long h, long offset, StoredRecord r) {
        h = mix(h ^ offset);
        h = mix(h ^ (r.key() == null ? -1 : Arrays.hashCode(r.key())));
        h = mix(h ^ Arrays.hashCode(r.value()));
        h = mix(h ^ r.timestampMs());
        for (PartitionCommand.Header hd : r.headers()) {
            h = mix(h ^ hd.key().hashCode() ^ ((long) Arrays.hashCode(hd.value()) << 32));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ================================ read side ================================

    /** The result of the entry at {@code raftIndex}, if still remembered. */
    public synchronized ApplyResult resultAt(long raftIndex) {
        int slot = (int) (raftIndex % RESULTS_RING);
        return resultIndex[slot] == raftIndex ? results[slot] : null;
    }

    public synchronized long nextOffset() {
        return nextOffset;
    }

    public synchronized long digest() {
        return digest;
    }

    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    /** The sequence of the producer's last applied batch, or -1 when it has none. */
    public synchronized long lastSequence(long producerId) {
        ArrayDeque<long[]> seen = producers.get(producerId);
        return seen == null ? -1 : seen.peekLast()[0];
    }

    /** The base offset an applied batch of the producer was given, or -1 when not remembered. */
    public synchronized long offsetOf(long producerId, int sequence) {
        ArrayDeque<long[]> seen = producers.get(producerId);
        if (seen != null) {
            for (long[] s : seen) {
                if (s[0] == sequence) {
                    return s[1];
                }
            }
        }
        return -1;
    }

    /** A future completed when the next offset moves past {@code offset} (long-polling fetches). */
    public synchronized CompletableFuture<Void> awaitBeyond(long offset) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (nextOffset > offset) {
            f.complete(null);
        } else {
            waiters.add(f);
        }
        return f;
    }

    /** Where the batches holding offsets from {@code offset} on are: Raft indexes, first to last batch. */
    public record Span(long firstRaftIndex, long lastRaftIndex) {
    }

    /** The Raft index range of the batches holding [offset, offset + maxBatches batches), or null past the end. */
    public synchronized Span span(long offset, int maxBatches) {
        if (offset >= nextOffset || batches == 0) {
            return null;
        }
        int i = batchOf(offset);
        int last = Math.min(batches - 1, i + maxBatches - 1);
        return new Span(raftIndexes[i], raftIndexes[last]);
    }

    /** The base offset of the accepted batch at {@code raftIndex}, or -1 when that entry is not one. */
    public synchronized long baseAtIndex(long raftIndex) {
        int lo = 0;
        int hi = batches - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (raftIndexes[mid] < raftIndex) {
                lo = mid + 1;
            } else if (raftIndexes[mid] > raftIndex) {
                hi = mid - 1;
            } else {
                return bases[mid];
            }
        }
        return -1;
    }

    private int batchOf(long offset) {
        int lo = 0;
        int hi = batches - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bases[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
