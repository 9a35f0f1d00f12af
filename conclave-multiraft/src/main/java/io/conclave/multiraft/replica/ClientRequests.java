package io.conclave.multiraft.replica;

import io.conclave.multiraft.apply.ApplyTask;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.raft.ConfChange;
import io.conclave.raft.Entry;
import io.conclave.raft.ProposeResult;
import io.conclave.raft.ReadMode;
import io.conclave.raft.ReadState;
import io.conclave.raft.ReadStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The clients' pending requests of one replica: proposals by log index (with the term they were
 * appended in, so an entry overwritten by a new leader fails its future instead of completing it),
 * reads by context, and reads waiting for the state machine to reach an index. Loop thread only;
 * a committed proposal leaves here with its entries and is answered by the applier.
 */
final class ClientRequests {

    private record Proposal(long term, CompletableFuture<Long> future, long deadlineNs) {
    }

    private record Read(CompletableFuture<Long> future, long deadlineNs) {
    }

    private final Replica replica;
    private final RuntimeConfig config;
    private final TreeMap<Long, Proposal> proposals = new TreeMap<>();
    private final LinkedHashMap<Long, Read> reads = new LinkedHashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> awaitingApply = new TreeMap<>();
    private long nextReadId = 1;

    ClientRequests(Replica replica, RuntimeConfig config) {
        this.replica = replica;
        this.config = config;
    }

    private long groupId() {
        return replica.groupId();
    }

    /** A proposal of data; completes with its index once applied. */
    void propose(byte[] data, CompletableFuture<Long> f) {
        if (!replica.raft().isLeader()) {
            f.completeExceptionally(new NotLeaderException(groupId(), replica.raft().getLeader()));
            return;
        }
        if (proposals.size() >= config.proposalsPendingPerGroupMax()) {
            f.completeExceptionally(new BackPressureException("group " + groupId() + " has "
                    + proposals.size() + " proposals pending"));
            return;
        }
        track(replica.raft().propose(data), f);
    }

    /**
     * A proposal acknowledged on the leader's append (EVENTUAL writes): completes with its index as
     * soon as the leader has taken it into its log, before any replication or fsync.
     */
    void proposeAppended(byte[] data, CompletableFuture<Long> f) {
        if (!replica.raft().isLeader()) {
            f.completeExceptionally(new NotLeaderException(groupId(), replica.raft().getLeader()));
            return;
        }
        ProposeResult r = replica.raft().propose(data);
        if (r.status() == ProposeResult.Status.ACCEPTED) {
            replica.loop().markReady(replica);
            f.complete(r.lastIndex());
        } else {
            track(r, f);
        }
    }

    /** A membership change; completes with its index once applied. */
    void changeMembership(ConfChange cc, CompletableFuture<Long> f) {
        if (!replica.raft().isLeader()) {
            f.completeExceptionally(new NotLeaderException(groupId(), replica.raft().getLeader()));
            return;
        }
        track(replica.raft().proposeConfChange(cc), f);
    }

    private void track(ProposeResult r, CompletableFuture<Long> f) {
        switch (r.status()) {
            case ACCEPTED:
                proposals.put(r.lastIndex(), new Proposal(r.term(), f,
                        replica.loop().nowNs() + config.requestTimeoutNs()));
                replica.loop().markReady(replica);
                break;
            case NOT_LEADER:
            case FORWARDED:
            case TRANSFERRING:
                f.completeExceptionally(new NotLeaderException(groupId(), r.leaderHint()));
                break;
            case BACK_PRESSURE:
                f.completeExceptionally(new BackPressureException("group " + groupId()
                        + " has too many uncommitted bytes"));
                break;
            case CONF_CHANGE_PENDING:
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.CONF_CHANGE_PENDING,
                        "group " + groupId() + " has a membership change not yet applied; retry after it"));
                break;
            default:
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.INVALID,
                        "group " + groupId() + " refused the proposal as invalid"));
                break;
        }
    }

    /** A read; completes with its read index once the state machine has applied up to it. */
    void read(ReadMode mode, CompletableFuture<Long> f) {
        long id = nextReadId++;
        byte[] ctx = ByteBuffer.allocate(8).putLong(id).array();
        ReadStatus st = replica.raft().readIndex(ctx, mode);
        switch (st) {
            case ACCEPTED:
            case FORWARDED:
                reads.put(id, new Read(f, replica.loop().nowNs() + config.requestTimeoutNs()));
                replica.loop().markReady(replica);
                break;
            case NO_LEADER:
                f.completeExceptionally(new NotLeaderException(groupId(), 0));
                break;
            default:
                f.completeExceptionally(new BackPressureException("group " + groupId() + " has too many reads waiting"));
                break;
        }
    }

    /**
     * Takes this replica's proposals among {@code committed} out of the pending ones: a proposal whose
     * entry was overwritten (another term at its index) fails; the others are returned, to be
     * answered by the applier once their entries are applied.
     */
    List<ApplyTask.Waiter> onCommitted(List<Entry> committed, long leaderHint) {
        if (proposals.isEmpty() || committed.isEmpty()) {
            return List.of();
        }
        List<ApplyTask.Waiter> waiters = new ArrayList<>();
        for (Entry e : committed) {
            Proposal p = proposals.remove(e.index());
            if (p == null) {
                continue;
            }
            if (p.term() == e.term()) {
                waiters.add(new ApplyTask.Waiter(e.index(), p.future()));
            } else {
                p.future().completeExceptionally(new NotLeaderException(groupId(), leaderHint));
            }
        }
        return waiters;
    }

    void onReadStates(List<ReadState> states) {
        for (ReadState rs : states) {
            if (rs.context().length != 8) {
                continue;
            }
            Read r = reads.remove(ByteBuffer.wrap(rs.context()).getLong());
            if (r != null) {
                awaitApply(rs.index(), r.future());
            }
        }
    }

    private void awaitApply(long index, CompletableFuture<Long> f) {
        if (replica.appliedIndex() >= index) {
            f.complete(index);
        } else {
            awaitingApply.computeIfAbsent(index, k -> new ArrayList<>(1)).add(f);
        }
    }

    void onApplied(long appliedIndex) {
        Iterator<Map.Entry<Long, List<CompletableFuture<Long>>>> it =
                awaitingApply.headMap(appliedIndex, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, List<CompletableFuture<Long>>> e = it.next();
            for (CompletableFuture<Long> f : e.getValue()) {
                f.complete(e.getKey());
            }
            it.remove();
        }
    }

    /** Leadership moved: reads registered as leader will not be confirmed by us. */
    void onLostLeadership(long newLeader) {
        // Proposals stay: they may still commit under the new leader (their term is checked then).
        // Reads that were accepted by us as leader are answered by nobody now.
        if (!replica.raft().isLeader() && !reads.isEmpty()) {
            for (Read r : reads.values()) {
                r.future().completeExceptionally(new NotLeaderException(groupId(), newLeader));
            }
            reads.clear();
        }
    }

    /** Fails requests past their deadline (proposals oldest first, reads in arrival order). */
    void expire(long nowNs) {
        while (!proposals.isEmpty() && proposals.firstEntry().getValue().deadlineNs() <= nowNs) {
            proposals.pollFirstEntry().getValue().future().completeExceptionally(timeout("proposal"));
        }
        Iterator<Read> it = reads.values().iterator();
        while (it.hasNext()) {
            Read r = it.next();
            if (r.deadlineNs() > nowNs) {
                break;
            }
            r.future().completeExceptionally(timeout("read"));
            it.remove();
        }
    }

    private RequestFailedException timeout(String what) {
        return new RequestFailedException(RequestFailedException.Reason.TIMEOUT, "group " + groupId() + ": " + what
                + " not answered within " + config.requestTimeoutNs() / 1_000_000 + " ms; its outcome is unknown");
    }

    void failAll(String why) {
        RequestFailedException ex = new RequestFailedException(RequestFailedException.Reason.CLOSED, why);
        proposals.values().forEach(p -> p.future().completeExceptionally(ex));
        reads.values().forEach(r -> r.future().completeExceptionally(ex));
        awaitingApply.values().forEach(l -> l.forEach(f -> f.completeExceptionally(ex)));
        proposals.clear();
        reads.clear();
        awaitingApply.clear();
    }

    int pendingProposals() {
        return proposals.size();
    }

    /** Whether proposals or reads wait for an answer (futures waiting only for the applier do not count). */
    boolean hasPending() {
        return !proposals.isEmpty() || !reads.isEmpty();
    }
}
