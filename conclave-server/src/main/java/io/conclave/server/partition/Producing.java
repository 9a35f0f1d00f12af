package io.conclave.server.partition;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.server.node.Errors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leader side of produce. Offsets are given by the leader: for each partition it leads, a node
 * keeps a {@link Sequencer} with the offset the next batch will start at, stamps it into the batch,
 * and proposes. The partition's state machine checks the stamp when it applies the batch and
 * refuses a batch whose stamp is not its next offset ("fenced"), so a stale sequencer can never
 * place records at wrong offsets. A sequencer learns the next offset by proposing a {@code SYNC}
 * barrier and reading the offset once the barrier is applied (every entry before it is then
 * applied); it does so when it starts, when the term changes, and after any failure or fence.
 *
 * <p>Why the leader stamps offsets: an {@code EVENTUAL} write is acknowledged on the leader's
 * append, before it is applied, and must already carry its offset (DESIGN §5); a {@code STRONG}
 * write could learn it from the apply, but one mechanism for both keeps them consistent.
 *
 * <p>Idempotence: a producer's batch {@code sequence} must be one more than its last; an equal or
 * older one is a duplicate, answered with the original offset (deduplicated both here, against
 * batches in flight, and at apply, against the applied state, which survives leader changes because
 * it is rebuilt from the log). A producer may pipeline several batches per partition, and the node
 * may take them in any order (the client port serves calls on several threads), so a batch that
 * arrives ahead of its predecessor (a gap) is <em>held</em> — at most
 * {@link ProducingConfig#heldBatchesPerPartitionMax} per partition, for
 * {@link ProducingConfig#gapWaitMs} — and proposed as soon as the predecessor is; if the gap does
 * not fill in time it is refused with {@code OUT_OF_ORDER_SEQUENCE}. An {@code EVENTUAL} batch is
 * never held: it is written after a gap at once, as before pipelining (its predecessors may have been
 * lost with a leader by design, and producers send EVENTUAL batches one at a time per partition). A
 * batch the applier refused as out of sequence or fenced was not written, so it goes through this
 * path again (bounded), rather than back to the client. A proposal refused for back-pressure never
 * reached the log: when no later batch was stamped meanwhile its offsets are given back, otherwise
 * the sequencer learns the next offset again.
 *
 * <p>Threads: any (client calls, proposal callbacks, the hold timer); each sequencer's state is
 * guarded by its monitor.
 */
public final class Producing {

    /** A produce's outcome. */
    public record Result(long baseOffset, boolean duplicate) {
    }

    /** Runs a task after a delay: the gap-hold timeouts. */
    @FunctionalInterface
    public interface Timer {
        void after(long delayMs, Runnable task);

        /** The JDK's shared delayed executor (wall-clock time). */
        static Timer system() {
            return (delayMs, task) -> CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(task);
        }
    }

    private static final int REPLACEMENTS_MAX = 3;

    private final PartitionHost node;
    private final ProducingConfig config;
    private final Timer timer;
    private final ConcurrentHashMap<Long, Sequencer> sequencers = new ConcurrentHashMap<>();
    private final AtomicLong heldTotal = new AtomicLong();
    private final AtomicLong gapsRefused = new AtomicLong();

    /** Without holding: a gap is refused at once (as the simulator needs: it drives time itself). */
    public Producing(PartitionHost node) {
        this(node, ProducingConfig.NO_HOLD, (delayMs, task) -> {
            throw new IllegalStateException("holding is off, yet a hold timer was asked for");
        });
    }

    public Producing(PartitionHost node, ProducingConfig config, Timer timer) {
        this.node = node;
        this.config = config.validate();
        this.timer = timer;
    }

    /** The partition's replica left this node: its sequencer goes with it. */
    public void forget(long groupId) {
        sequencers.remove(groupId);
    }

    /** Called by a partition's state machine when it fenced a batch. */
    public void onFenced(long groupId) {
        Sequencer s = sequencers.get(groupId);
        if (s != null) {
            synchronized (s) {
                s.valid = false;
            }
        }
    }

    /** Batches that have been held for a gap so far (a counter for tests and metrics). */
    public long heldTotal() {
        return heldTotal.get();
    }

    /** Batches refused because their gap did not fill in time. */
    public long gapsRefused() {
        return gapsRefused.get();
    }

    /**
     * Appends a batch to partition group {@code groupId}, led by this node. {@code eventual}: answer
     * on the leader's append; otherwise once a durable majority has it and it is applied here.
     */
    public CompletableFuture<Result> produce(long groupId, long producerId, int sequence,
                                             List<PartitionCommand.StoredRecord> records, boolean eventual) {
        // A copy: the future kept to answer this batch's retries must not be completed by a caller that
        // stops waiting (the node bounds requests with orTimeout, which completes the future it is given).
        return produce(new Batch(groupId, producerId, sequence, records, eventual), 0, true).copy();
    }

    /** One produce request's batch. */
    private record Batch(long groupId, long producerId, int sequence, List<PartitionCommand.StoredRecord> records,
                         boolean eventual) {
        String key() {
            return producerId + ":" + sequence;
        }
    }

    /** A batch waiting for its producer's previous sequence. */
    private static final class Held {
        final Batch batch;
        final CompletableFuture<Result> out = new CompletableFuture<>();

        Held(Batch batch) {
            this.batch = batch;
        }
    }

    private CompletableFuture<Result> produce(Batch b, int replacements, boolean mayHold) {
        LeaderTable.Leader leader = node.leaderOf(b.groupId());
        if (leader.node() != node.nodeId()) {
            Sequencer stale = sequencers.get(b.groupId());
            if (stale != null) {
                stale.failHeld(notLeader(b.groupId(), leader.node()));
            }
            return CompletableFuture.failedFuture(notLeader(b.groupId(), leader.node()));
        }
        Sequencer s = sequencers.computeIfAbsent(b.groupId(), Sequencer::new);
        PartitionLog log = node.partition(b.groupId());
        synchronized (s) {
            if (!s.valid || s.term != leader.term()) {
                if (replacements >= REPLACEMENTS_MAX) {
                    return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.FENCED, "group " + b.groupId()
                            + " changed leader while the batch was being placed; retry", leader.node()));
                }
                return s.resync(leader.term(), log).thenCompose(v -> produce(b, replacements + 1, mayHold));
            }
            if (b.producerId() != 0) {
                CompletableFuture<Result> seen = s.seen(b);
                if (seen != null) {
                    return seen.thenApply(r -> new Result(r.baseOffset(), true));
                }
                Long lastProposed = s.lastProposed(b.producerId());
                long last = lastProposed != null ? lastProposed : log.lastSequence(b.producerId());
                if (b.sequence() <= last) {
                    // A retry: an EVENTUAL batch may be appended and not applied yet, so ask the
                    // sequencer (this term's stamps) before the applied state.
                    long base = s.proposedBase(b.producerId(), b.sequence());
                    return CompletableFuture.completedFuture(new Result(base >= 0 ? base
                            : log.offsetOf(b.producerId(), b.sequence()), true));
                }
                if (b.sequence() != last + 1) {
                    if (mayHold && config.holds() && !b.eventual()) {
                        return hold(s, b);
                    }
                    if (!b.eventual()) {
                        gapsRefused.incrementAndGet();
                        return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, "producer "
                                + b.producerId() + " sent batch " + b.sequence() + " to group " + b.groupId() + " but "
                                + (last + 1) + " was expected (a gap: an earlier batch was never written)"));
                    }
                }
            }
            if (b.eventual() && config.eventualUnappliedBytesMax() > 0) {
                long backlog = s.eventualBacklogBytes(log.nextOffset());
                if (backlog > 0 && backlog + bytesOf(b) > config.eventualUnappliedBytesMax()) {
                    return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.BACK_PRESSURE, "group "
                            + b.groupId() + " has " + backlog + " bytes of EVENTUAL batches not yet applied; retry"));
                }
            }
            CompletableFuture<Result> out = propose(s, log, b, replacements);
            if (b.producerId() != 0) {
                Held next = s.takeHeld(b.producerId(), b.sequence() + 1);
                if (next != null) {
                    forward(produce(next.batch, 0, true), next.out);
                }
            }
            return out;
        }
    }

    /** Stamps and proposes; called with the sequencer's monitor held, the batch in sequence. */
    private CompletableFuture<Result> propose(Sequencer s, PartitionLog log, Batch b, int replacements) {
        long base = s.nextOffset;
        byte[] data = new PartitionCommand(PartitionCommand.Type.APPEND, b.producerId(), b.sequence(), b.eventual(),
                base, node.nowMs(), b.records()).encode();
        s.nextOffset += b.records().size();
        if (b.producerId() != 0) {
            s.recordProposed(b.producerId(), b.sequence(), base);
        }
        if (b.eventual()) {
            s.eventualStamps.addLast(new long[] {s.nextOffset, bytesOf(b)});
            s.eventualBytes += bytesOf(b);
        }
        CompletableFuture<Long> proposed = b.eventual() ? node.proposeAppended(b.groupId(), data)
                : node.propose(b.groupId(), data);
        long term = s.term;
        CompletableFuture<Result> out = proposed.handle((index, err) -> {
            synchronized (s) {
                s.pending.remove(b.key());
                if (err != null && !s.giveBack(b, base, term, err)) {
                    s.valid = false; // the batch may or may not be in the log: learn the offset again
                }
            }
            if (err != null) {
                return CompletableFuture.<Result>failedFuture(Errors.toStatus(err));
            }
            if (b.eventual()) {
                return CompletableFuture.completedFuture(new Result(base, false));
            }
            return outcome(s, log, b, index, replacements);
        }).thenCompose(f -> f);
        if (b.producerId() != 0 && !out.isDone()) {
            s.pending.put(b.key(), out);
        }
        return out;
    }

    private CompletableFuture<Result> outcome(Sequencer s, PartitionLog log, Batch b, long index, int replacements) {
        ApplyResult r = log.resultAt(index);
        if (r == null) {
            return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.INTERNAL, "the outcome of entry " + index
                    + " of group " + b.groupId() + " is no longer remembered"));
        }
        switch (r.kind()) {
            case APPENDED:
                return CompletableFuture.completedFuture(new Result(r.baseOffset(), false));
            case DUPLICATE:
                return CompletableFuture.completedFuture(new Result(r.baseOffset(), true));
            default:
                synchronized (s) {
                    s.valid = false;
                }
                // Refused at apply (out of sequence: an earlier batch's proposal failed; or fenced), so
                // not written: place it again, holding it for its predecessor if need be.
                if (replacements < REPLACEMENTS_MAX) {
                    return produce(b, replacements + 1, true);
                }
                if (r.kind() == ApplyResult.Kind.OUT_OF_SEQUENCE) {
                    return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, r.detail()));
                }
                return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.FENCED, "group " + b.groupId() + ": "
                        + r.detail() + "; retry", node.nodeId()));
        }
    }

    private static long bytesOf(Batch b) {
        long bytes = 0;
        for (PartitionCommand.StoredRecord r : b.records()) {
            bytes += r.sizeBytes();
        }
        return bytes;
    }

    /** Called with the sequencer's monitor held. */
    private CompletableFuture<Result> hold(Sequencer s, Batch b) {
        if (s.heldCount >= config.heldBatchesPerPartitionMax()) {
            return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.BACK_PRESSURE, "group " + b.groupId()
                    + " already holds " + s.heldCount + " batches waiting for earlier sequences; retry"));
        }
        Held h = new Held(b);
        s.held.computeIfAbsent(b.producerId(), p -> new TreeMap<>()).put(b.sequence(), h);
        s.heldCount++;
        heldTotal.incrementAndGet();
        timer.after(config.gapWaitMs(), () -> expire(s, h));
        return h.out;
    }

    /** The gap did not fill in time: answer now (refused, or written after the gap when EVENTUAL). */
    private void expire(Sequencer s, Held h) {
        synchronized (s) {
            TreeMap<Integer, Held> mine = s.held.get(h.batch.producerId());
            if (mine == null || mine.get(h.batch.sequence()) != h) {
                return; // released or failed already
            }
            s.takeHeld(h.batch.producerId(), h.batch.sequence());
        }
        forward(produce(h.batch, 0, false), h.out);
    }

    private static void forward(CompletableFuture<Result> from, CompletableFuture<Result> to) {
        from.whenComplete((r, err) -> {
            if (err != null) {
                to.completeExceptionally(Errors.toStatus(err));
            } else {
                to.complete(r);
            }
        });
    }

    private RuntimeException notLeader(long groupId, long leader) {
        return ApiErrors.error(leader == 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER,
                "node " + node.nodeId() + " does not lead group " + groupId, leader);
    }

    public void close() {
        sequencers.clear();
    }

    /** One led partition's offset counter and held batches. Guarded by its own monitor. */
    private final class Sequencer {
        private final long groupId;
        private boolean valid;
        private long term = -1;
        private long nextOffset;
        /** EVENTUAL batches stamped since the last resync and maybe not applied: {end offset, bytes}, oldest first. */
        private final ArrayDeque<long[]> eventualStamps = new ArrayDeque<>();
        private long eventualBytes;
        /** Per producer, its last batches proposed since the last resync: {sequence, base offset}, oldest first. */
        private final Map<Long, ArrayDeque<long[]>> proposed = new HashMap<>();
        private final Map<String, CompletableFuture<Result>> pending = new HashMap<>();
        private final Map<Long, TreeMap<Integer, Held>> held = new HashMap<>();
        private int heldCount;
        private CompletableFuture<Void> resync;

        Sequencer(long groupId) {
            this.groupId = groupId;
        }

        /** The answer of the same batch proposed or held already, or null. Monitor held. */
        CompletableFuture<Result> seen(Batch b) {
            CompletableFuture<Result> same = pending.get(b.key());
            if (same != null) {
                return same;
            }
            TreeMap<Integer, Held> mine = held.get(b.producerId());
            Held h = mine == null ? null : mine.get(b.sequence());
            return h == null ? null : h.out;
        }

        /**
         * A proposal refused before it reached the log (back-pressure) that is still the last one
         * stamped in this term gives its offsets and sequence back, so its retry is proposed at once
         * instead of after a barrier that waits for the group's whole uncommitted backlog (an
         * EVENTUAL producer meets back-pressure all the time). Otherwise (a later batch took the
         * following offsets, or the entry may be in the log) it returns false. Monitor held.
         */
        boolean giveBack(Batch b, long base, long stampTerm, Throwable err) {
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            if (!(cause instanceof BackPressureException) || !valid || term != stampTerm
                    || nextOffset != base + b.records().size()) {
                return false;
            }
            if (b.producerId() != 0) {
                ArrayDeque<long[]> mine = proposed.get(b.producerId());
                if (mine == null || mine.peekLast()[0] != b.sequence()) {
                    return false;
                }
                mine.removeLast();
                if (mine.isEmpty()) {
                    proposed.remove(b.producerId());
                }
            }
            if (b.eventual() && !eventualStamps.isEmpty() && eventualStamps.peekLast()[0] == nextOffset) {
                eventualBytes -= eventualStamps.removeLast()[1];
            }
            nextOffset = base;
            return true;
        }

        /** Bytes of EVENTUAL batches stamped here and not applied below {@code appliedNextOffset}. Monitor held. */
        long eventualBacklogBytes(long appliedNextOffset) {
            while (!eventualStamps.isEmpty() && eventualStamps.peekFirst()[0] <= appliedNextOffset) {
                eventualBytes -= eventualStamps.removeFirst()[1];
            }
            return eventualBytes;
        }

        /** The sequence of the producer's last batch proposed since the last resync, or null. Monitor held. */
        Long lastProposed(long producerId) {
            ArrayDeque<long[]> mine = proposed.get(producerId);
            return mine == null ? null : mine.peekLast()[0];
        }

        /** The base offset stamped into the producer's batch {@code sequence} since the last resync, or -1. */
        long proposedBase(long producerId, int sequence) {
            ArrayDeque<long[]> mine = proposed.get(producerId);
            if (mine != null) {
                for (long[] p : mine) {
                    if (p[0] == sequence) {
                        return p[1];
                    }
                }
            }
            return -1;
        }

        /** Monitor held; keeps as many batches per producer as the applied state does. */
        void recordProposed(long producerId, int sequence, long base) {
            ArrayDeque<long[]> mine = proposed.computeIfAbsent(producerId, k -> new ArrayDeque<>());
            mine.addLast(new long[] {sequence, base});
            if (mine.size() > PartitionLog.PRODUCER_BATCHES_KEPT) {
                mine.removeFirst();
            }
        }

        /** Removes and returns the held batch, or null. Monitor held. */
        Held takeHeld(long producerId, int sequence) {
            TreeMap<Integer, Held> mine = held.get(producerId);
            Held h = mine == null ? null : mine.remove(sequence);
            if (h != null) {
                heldCount--;
                if (mine.isEmpty()) {
                    held.remove(producerId);
                }
            }
            return h;
        }

        /** This node no longer leads: every held batch fails (retriable), its client retries at the leader. */
        void failHeld(RuntimeException error) {
            List<Held> out = new ArrayList<>();
            synchronized (this) {
                if (heldCount == 0) {
                    return;
                }
                held.values().forEach(m -> out.addAll(m.values()));
                held.clear();
                heldCount = 0;
            }
            out.forEach(h -> h.out.completeExceptionally(error));
        }

        /** Called with the monitor held. */
        CompletableFuture<Void> resync(long forTerm, PartitionLog log) {
            if (resync != null) {
                return resync;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            resync = done;
            node.propose(groupId, PartitionCommand.sync().encode()).whenComplete((index, err) -> {
                synchronized (this) {
                    resync = null;
                    if (err == null) {
                        nextOffset = log.nextOffset();
                        term = forTerm;
                        valid = true;
                        proposed.clear();
                        eventualStamps.clear();
                        eventualBytes = 0;
                    }
                }
                if (err != null) {
                    done.completeExceptionally(Errors.toStatus(err));
                } else {
                    done.complete(null);
                }
            });
            return done;
        }
    }
}
