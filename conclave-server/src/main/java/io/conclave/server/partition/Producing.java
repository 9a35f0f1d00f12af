package io.conclave.server.partition;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.server.node.Errors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader side of produce. Offsets are given by the leader: for each partition it leads, a node
 * keeps a {@link Sequencer} with the offset the next batch will start at, stamps it into the batch,
 * and proposes. The partition's state machine checks the stamp when it applies the batch and
 * refuses a batch whose stamp is not its next offset ("fenced"), so a stale sequencer can never
 * place records at wrong offsets — it only costs a retry. A sequencer learns the next offset by
 * proposing a {@code SYNC} barrier and reading the offset once the barrier is applied (every entry
 * before it is then applied); it does so when it starts, when the term changes, and after any
 * failure or fence.
 *
 * <p>Why the leader stamps offsets: an {@code EVENTUAL} write is acknowledged on the leader's
 * append, before it is applied, and must already carry its offset (DESIGN §5); a {@code STRONG}
 * write could learn it from the apply, but one mechanism for both keeps them consistent.
 *
 * <p>Idempotence: a producer's batch {@code sequence} must be one more than its last; an equal or
 * older one is a duplicate, answered with the original offset (deduplicated both here, against
 * batches in flight, and at apply, against the applied state, which survives leader changes because
 * it is rebuilt from the log).
 */
public final class Producing {

    /** A produce's outcome. */
    public record Result(long baseOffset, boolean duplicate) {
    }

    private final PartitionHost node;
    private final ConcurrentHashMap<Long, Sequencer> sequencers = new ConcurrentHashMap<>();

    public Producing(PartitionHost node) {
        this.node = node;
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

    /**
     * Appends a batch to partition group {@code groupId}, led by this node. {@code eventual}: answer
     * on the leader's append; otherwise once a durable majority has it and it is applied here.
     */
    public CompletableFuture<Result> produce(long groupId, long producerId, int sequence,
                                             List<PartitionCommand.StoredRecord> records, boolean eventual) {
        return produce(groupId, producerId, sequence, records, eventual, 0);
    }

    private CompletableFuture<Result> produce(long groupId, long producerId, int sequence,
                                              List<PartitionCommand.StoredRecord> records, boolean eventual, int resyncs) {
        LeaderTable.Leader leader = node.leaderOf(groupId);
        if (leader.node() != node.nodeId()) {
            return CompletableFuture.failedFuture(ApiErrors.error(leader.node() == 0 ? ErrorCode.LEADER_NOT_AVAILABLE
                    : ErrorCode.NOT_LEADER, "node " + node.nodeId() + " does not lead group " + groupId, leader.node()));
        }
        Sequencer s = sequencers.computeIfAbsent(groupId, Sequencer::new);
        PartitionLog log = node.partition(groupId);
        synchronized (s) {
            if (!s.valid || s.term != leader.term()) {
                if (resyncs >= 3) {
                    return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.FENCED,
                            "group " + groupId + " changed leader while the batch was being placed; retry", leader.node()));
                }
                return s.resync(leader.term(), log)
                        .thenCompose(v -> produce(groupId, producerId, sequence, records, eventual, resyncs + 1));
            }
            String key = producerId + ":" + sequence;
            if (producerId != 0) {
                CompletableFuture<Result> same = s.pending.get(key);
                if (same != null) {
                    return same.thenApply(r -> new Result(r.baseOffset(), true));
                }
                long last = s.lastProposed.containsKey(producerId) ? s.lastProposed.get(producerId)
                        : log.lastSequence(producerId);
                if (sequence <= last) {
                    return CompletableFuture.completedFuture(new Result(log.offsetOf(producerId, sequence), true));
                }
                if (sequence != last + 1 && !eventual) {
                    return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, "producer "
                            + producerId + " sent batch " + sequence + " to group " + groupId + " but "
                            + (last + 1) + " was expected (a gap: an earlier batch was never written)"));
                }
            }
            long base = s.nextOffset;
            byte[] data = new PartitionCommand(PartitionCommand.Type.APPEND, producerId, sequence, eventual, base,
                    node.nowMs(), records).encode();
            s.nextOffset += records.size();
            if (producerId != 0) {
                s.lastProposed.put(producerId, (long) sequence);
            }
            CompletableFuture<Long> proposed = eventual ? node.proposeAppended(groupId, data)
                    : node.propose(groupId, data);
            CompletableFuture<Result> out = proposed.handle((index, err) -> {
                synchronized (s) {
                    s.pending.remove(key);
                    if (err != null) {
                        s.valid = false; // the batch may or may not be in the log: learn the offset again
                    }
                }
                if (err != null) {
                    throw Errors.toStatus(err);
                }
                if (eventual) {
                    return new Result(base, false);
                }
                return outcome(s, log, groupId, index);
            });
            if (producerId != 0 && !out.isDone()) {
                s.pending.put(key, out);
            }
            return out;
        }
    }

    private Result outcome(Sequencer s, PartitionLog log, long groupId, long index) {
        ApplyResult r = log.resultAt(index);
        if (r == null) {
            throw ApiErrors.error(ErrorCode.INTERNAL, "the outcome of entry " + index + " of group " + groupId
                    + " is no longer remembered");
        }
        switch (r.kind()) {
            case APPENDED:
                return new Result(r.baseOffset(), false);
            case DUPLICATE:
                return new Result(r.baseOffset(), true);
            case OUT_OF_SEQUENCE:
                synchronized (s) {
                    s.valid = false;
                }
                throw ApiErrors.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, r.detail());
            default:
                synchronized (s) {
                    s.valid = false;
                }
                throw ApiErrors.error(ErrorCode.FENCED, "group " + groupId + ": " + r.detail() + "; retry",
                        node.nodeId());
        }
    }

    public void close() {
        sequencers.clear();
    }

    /** One led partition's offset counter. Guarded by its own monitor. */
    private final class Sequencer {
        private final long groupId;
        private boolean valid;
        private long term = -1;
        private long nextOffset;
        private final Map<Long, Long> lastProposed = new HashMap<>();
        private final Map<String, CompletableFuture<Result>> pending = new HashMap<>();
        private CompletableFuture<Void> resync;

        Sequencer(long groupId) {
            this.groupId = groupId;
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
                        lastProposed.clear();
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
