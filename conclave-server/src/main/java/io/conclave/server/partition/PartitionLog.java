package io.conclave.server.partition;

import io.conclave.multiraft.apply.StateMachine.IndexedSnapshot;
import io.conclave.raft.Entry;
import io.conclave.server.partition.PartitionCommand.StoredRecord;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * The applied state of one partition replica. The partition's records live in its Raft log; this
 * keeps what is needed to serve them: an offset index (for each accepted batch, its base offset,
 * record count, Raft index, append time and size), the next offset, each idempotent producer's
 * last sequences, a chained digest of every record (to compare replicas), and the results of
 * recent entries for the requests that proposed them.
 *
 * <p>Retention ({@link Retention}: by age and by size, whole batches, oldest first) moves the
 * replica's <em>boundary</em>: the batches behind it leave the index, {@link #logStartOffset()} moves
 * past them, and {@link #retentionSnapshot} describes the state as of the boundary's Raft index (the
 * next offset, digest and producers there), so the runtime stores it as the group's snapshot and
 * compacts the log behind it. Restoring that snapshot and replaying the entries after it rebuilds
 * this state exactly; a replica that catches up by snapshot gets the same. Each replica applies
 * retention on its own schedule, so log start offsets may differ a little between replicas.
 *
 * <p>Threads: {@link #apply} runs on the group's applier; every other method may be called from
 * any thread (client requests). All state is guarded by this object's monitor.
 */
public final class PartitionLog {

    /** How many of a producer's last batches are remembered for deduplication. */
    static final int PRODUCER_BATCHES_KEPT = 8;
    private static final int RESULTS_RING = 16_384;

    /** How much a partition keeps: batches older than {@code ms} and the oldest beyond {@code bytes} go; -1 keeps all. */
    public record Retention(long ms, long bytes) {
        public static final Retention FOREVER = new Retention(-1, -1);
    }

    private static final long DIGEST_SEED = 0x9E3779B97F4A7C15L;
    private static final int SNAPSHOT_VERSION = 1;

    /** Told when an entry was fenced here (its leader's view of the next offset was stale). */
    public interface FenceListener {
        void onFenced(long groupId);
    }

    private final long groupId;
    private final FenceListener fenceListener;
    private long nextOffset;
    private long digest = DIGEST_SEED;
    private long appliedIndex;
    private long[] bases = new long[64];
    private long[] raftIndexes = new long[64];
    private int[] counts = new int[64];
    private long[] appendMs = new long[64];
    private long[] sizes = new long[64];
    private long[] producerIds = new long[64];
    private int[] sequences = new int[64];
    private long[] digestsAfter = new long[64];
    private int batches;
    private long retainedBytes;
    private Map<Long, ArrayDeque<long[]>> producers = new HashMap<>();
    private volatile Retention retention = Retention.FOREVER;
    /** The boundary: the state as of Raft index {@code boundaryIndex}, everything before it retained away. */
    private long logStartOffset;
    private long boundaryIndex;
    private long boundaryDigest = DIGEST_SEED;
    private Map<Long, ArrayDeque<long[]>> boundaryProducers = new HashMap<>();
    private long snapshotBoundaryIndex;
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
                PartitionCommand.View cmd = PartitionCommand.view(e.data());
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

    private ApplyResult applyOne(long index, PartitionCommand.View cmd) {
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
        mixer.h = digest;
        mixer.offset = nextOffset;
        mixer.bytes = 0;
        cmd.forEachRecord(mixer);
        digest = mixer.h;
        nextOffset = mixer.offset;
        addBatch(base, cmd, index, mixer.bytes);
        if (cmd.producerId() != 0) {
            remember(producers, cmd.producerId(), cmd.sequence(), base);
        }
        return ApplyResult.appended(base);
    }

    private static void remember(Map<Long, ArrayDeque<long[]>> into, long producerId, int sequence, long base) {
        ArrayDeque<long[]> seen = into.computeIfAbsent(producerId, k -> new ArrayDeque<>());
        seen.addLast(new long[] {sequence, base});
        if (seen.size() > PRODUCER_BATCHES_KEPT) {
            seen.removeFirst();
        }
    }

    private void addBatch(long base, PartitionCommand.View cmd, long raftIndex, long bytes) {
        if (batches == bases.length) {
            int n = batches * 2;
            bases = Arrays.copyOf(bases, n);
            raftIndexes = Arrays.copyOf(raftIndexes, n);
            counts = Arrays.copyOf(counts, n);
            appendMs = Arrays.copyOf(appendMs, n);
            sizes = Arrays.copyOf(sizes, n);
            producerIds = Arrays.copyOf(producerIds, n);
            sequences = Arrays.copyOf(sequences, n);
            digestsAfter = Arrays.copyOf(digestsAfter, n);
        }
        bases[batches] = base;
        raftIndexes[batches] = raftIndex;
        counts[batches] = cmd.recordCount();
        appendMs[batches] = cmd.timestampMs();
        sizes[batches] = bytes;
        producerIds[batches] = cmd.producerId();
        sequences[batches] = cmd.sequence();
        digestsAfter[batches] = digest;
        batches++;
        retainedBytes += bytes;
    }

    // ================================ retention ================================

    /** Sets what this replica keeps; applied at its next {@link #retentionSnapshot}. Any thread. */
    public void retention(Retention r) {
        retention = r;
    }

    /**
     * Applier thread, at the group's snapshot threshold: drops the batches retention no longer keeps
     * and, when the boundary moved since the last call, returns the snapshot as of the boundary (else
     * null). {@code nowMs} ages batches by the leader's append time.
     */
    public synchronized IndexedSnapshot retentionSnapshot(long nowMs) {
        Retention r = retention;
        int drop = 0;
        long left = retainedBytes;
        while (drop < batches && ((r.ms() >= 0 && nowMs - appendMs[drop] > r.ms()) || (r.bytes() >= 0 && left > r.bytes()))) {
            left -= sizes[drop];
            drop++;
        }
        if (drop > 0) {
            advanceBoundary(drop);
        }
        if (boundaryIndex <= snapshotBoundaryIndex) {
            return null;
        }
        snapshotBoundaryIndex = boundaryIndex;
        return new IndexedSnapshot(boundaryIndex, encodeBoundary());
    }

    private void advanceBoundary(int drop) {
        for (int i = 0; i < drop; i++) {
            if (producerIds[i] != 0) {
                remember(boundaryProducers, producerIds[i], sequences[i], bases[i]);
            }
            retainedBytes -= sizes[i];
        }
        int last = drop - 1;
        boundaryIndex = raftIndexes[last];
        boundaryDigest = digestsAfter[last];
        logStartOffset = bases[last] + counts[last];
        int keep = batches - drop;
        System.arraycopy(bases, drop, bases, 0, keep);
        System.arraycopy(raftIndexes, drop, raftIndexes, 0, keep);
        System.arraycopy(counts, drop, counts, 0, keep);
        System.arraycopy(appendMs, drop, appendMs, 0, keep);
        System.arraycopy(sizes, drop, sizes, 0, keep);
        System.arraycopy(producerIds, drop, producerIds, 0, keep);
        System.arraycopy(sequences, drop, sequences, 0, keep);
        System.arraycopy(digestsAfter, drop, digestsAfter, 0, keep);
        batches = keep;
    }

    private byte[] encodeBoundary() {
        int n = 0;
        for (ArrayDeque<long[]> seen : boundaryProducers.values()) {
            n += 12 + seen.size() * 16;
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * 3 + 4 + n);
        b.putInt(SNAPSHOT_VERSION).putLong(boundaryIndex).putLong(logStartOffset).putLong(boundaryDigest);
        b.putInt(boundaryProducers.size());
        for (Map.Entry<Long, ArrayDeque<long[]>> e : boundaryProducers.entrySet()) {
            b.putLong(e.getKey()).putInt(e.getValue().size());
            for (long[] s : e.getValue()) {
                b.putLong(s[0]).putLong(s[1]);
            }
        }
        return b.array();
    }

    /**
     * Applier thread: replaces this replica's state with a {@link #retentionSnapshot}'s; the entries
     * after its index are applied next.
     */
    public void restore(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        int version = b.getInt();
        if (version != SNAPSHOT_VERSION) {
            throw new IllegalStateException("group " + groupId + ": partition snapshot version " + version
                    + ", this node reads " + SNAPSHOT_VERSION);
        }
        long index = b.getLong();
        long start = b.getLong();
        long d = b.getLong();
        Map<Long, ArrayDeque<long[]>> ps = new HashMap<>();
        for (int i = b.getInt(); i > 0; i--) {
            long pid = b.getLong();
            ArrayDeque<long[]> seen = new ArrayDeque<>();
            for (int j = b.getInt(); j > 0; j--) {
                seen.addLast(new long[] {b.getLong(), b.getLong()});
            }
            ps.put(pid, seen);
        }
        synchronized (this) {
            boundaryIndex = index;
            snapshotBoundaryIndex = index;
            appliedIndex = index;
            logStartOffset = start;
            nextOffset = start;
            boundaryDigest = d;
            digest = d;
            boundaryProducers = ps;
            producers = copy(ps);
            batches = 0;
            retainedBytes = 0;
        }
    }

    private static Map<Long, ArrayDeque<long[]>> copy(Map<Long, ArrayDeque<long[]>> from) {
        Map<Long, ArrayDeque<long[]>> out = new HashMap<>();
        from.forEach((pid, seen) -> {
            ArrayDeque<long[]> c = new ArrayDeque<>();
            seen.forEach(s -> c.addLast(s.clone()));
            out.put(pid, c);
        });
        return out;
    }

    /** One decoded record mixed into the digest: the reference the in-place apply ({@link Mixer}) must equal (tests). */
    static long mixRecord(long h, long offset, StoredRecord r) {
        byte[] k = r.key();
        return mixRecord(h, offset, k == null ? -1 : checksum(k, 0, k.length), checksum(r.value(), 0, r.value().length),
                r.timestampMs(), r.headers());
    }

    private static long mixRecord(long h, long offset, long keySum, long valueSum, long timestampMs,
                                  List<PartitionCommand.Header> headers) {
        h = mix(h ^ offset);
        h = mix(h ^ keySum);
        h = mix(h ^ valueSum);
        h = mix(h ^ timestampMs);
        for (PartitionCommand.Header hd : headers) {
            h = mix(h ^ hd.key().hashCode() ^ (checksum(hd.value(), 0, hd.value().length) << 16));
        }
        return h;
    }

    /** Mixes an applied batch's records into the digest in place, counting offsets and stored bytes. */
    private static final class Mixer implements PartitionCommand.RecordVisitor {
        long h;
        long offset;
        long bytes;

        @Override
        public void record(byte[] data, int keyOffset, int keyBytes, int valueOffset, int valueBytes,
                           long timestampMs, List<PartitionCommand.Header> headers) {
            long keySum = keyOffset < 0 ? -1 : checksum(data, keyOffset, keyBytes);
            h = mixRecord(h, offset, keySum, checksum(data, valueOffset, valueBytes), timestampMs, headers);
            offset++;
            bytes += PartitionCommand.sizeBytes(keyOffset < 0 ? 0 : keyBytes, valueBytes, headers);
        }
    }

    /** Reused by {@link #applyOne} (under this log's monitor). */
    private final Mixer mixer = new Mixer();

    /**
     * The bytes' CRC32C with their length in the high half. CRC32C is a CPU instruction here; the
     * {@code Arrays.hashCode} this replaced walked every byte through a multiply chain and was a
     * quarter of a node's Java CPU under a 1 KiB-record produce load.
     */
    private static long checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue() | ((long) length << 32);
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

    /** The first offset this replica still serves; earlier ones were removed by retention. */
    public synchronized long logStartOffset() {
        return logStartOffset;
    }

    /** Bytes of the records this replica still serves. */
    public synchronized long retainedBytes() {
        return retainedBytes;
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

    /** Wakes every long-polling fetch (the partition's replica is gone from this node): they read again and find it gone. */
    public void wakeWaiters() {
        List<CompletableFuture<Void>> wake;
        synchronized (this) {
            wake = waiters;
            waiters = new ArrayList<>();
        }
        wake.forEach(f -> f.complete(null));
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

    /** The Raft index range of the batches holding [offset, offset + maxBatches batches), or null past the end or before the start. */
    public synchronized Span span(long offset, int maxBatches) {
        if (offset >= nextOffset || batches == 0 || offset < logStartOffset) {
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
