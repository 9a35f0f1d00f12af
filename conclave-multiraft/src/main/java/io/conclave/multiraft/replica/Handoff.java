package io.conclave.multiraft.replica;

import io.conclave.multiraft.apply.ApplyCursor;
import io.conclave.multiraft.apply.ApplySink;
import io.conclave.multiraft.apply.ApplyTask;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.RaftNode;
import io.conclave.raft.Ready;
import io.conclave.raft.Snapshot;
import java.util.List;
import java.util.TreeMap;

/**
 * A replica's committed entries and snapshots on their way to the applier, in index order. Committed
 * entries that were already durable when their Ready was taken go at once ({@link #onTaken}); the
 * snapshot and the rest once the Ready is written ({@link #onPersisted}). Membership changes among
 * them are applied to the core on the way ({@code applyConfChange} must run before {@code advance}),
 * and the membership by index is kept to label the state machine's snapshots, with the nodes a rejoin
 * demoted ({@link RejoinDemoted}, which a snapshot carries in its {@link SnapshotFrame}). A task the full
 * applier cannot take yet is kept back, and anything handed over after it joins it, so entries never
 * overtake each other. Loop thread only.
 */
final class Handoff {

    private final EventLoop loop;
    private final ApplySink sink;
    private final ApplyCursor cursor;
    private final ClientRequests requests;
    private final Rejoin rejoin;
    /** A membership and the nodes a rejoin had demoted when it took effect. */
    private record Membership(ConfState conf, RejoinDemoted demoted) {
    }

    /** Membership by the index it took effect at. */
    private final TreeMap<Long, Membership> membershipAt = new TreeMap<>();
    /** Last index handed to the applier (the core's applied index). */
    private long handedIndex;
    /** Work the full applier could not take yet; handed over before the next Ready. */
    private ApplyTask deferred;

    Handoff(EventLoop loop, ApplySink sink, ApplyCursor cursor, ClientRequests requests, Rejoin rejoin,
            long snapshotIndex, ConfState snapshotMembership, RejoinDemoted snapshotDemoted) {
        this.loop = loop;
        this.sink = sink;
        this.cursor = cursor;
        this.requests = requests;
        this.rejoin = rejoin;
        this.handedIndex = snapshotIndex;
        this.membershipAt.put(snapshotIndex, new Membership(snapshotMembership, snapshotDemoted));
    }

    /** Last index handed to the applier. */
    long handedIndex() {
        return handedIndex;
    }

    /** The membership in effect at {@code index}. */
    ConfState membershipAt(long index) {
        return membershipAt.floorEntry(index).getValue().conf();
    }

    /** The nodes a rejoin demoted, as of {@code index} (what a snapshot at that index carries). */
    RejoinDemoted demotedAt(long index) {
        return membershipAt.floorEntry(index).getValue().demoted();
    }

    /** The nodes a rejoin demoted, as of the membership applied last. */
    RejoinDemoted demoted() {
        return membershipAt.lastEntry().getValue().demoted();
    }

    /** The index the membership applied last took effect at (a snapshot's index when none was applied since). */
    long membershipIndex() {
        return membershipAt.lastKey();
    }

    /** Forgets the memberships that no snapshot at or after {@code index} can need. */
    void forgetBefore(long index) {
        membershipAt.headMap(membershipAt.floorKey(index)).clear();
    }

    /** The Ready was just taken: hands over its committed entries that are already durable here. */
    void onTaken(RaftNode node, Ready rd) {
        deliver(node, null, rd.committedEntries().subList(0, durableCommittedCount(rd)));
    }

    /** The Ready is written: hands over its snapshot and the committed entries not handed over yet. */
    void onPersisted(RaftNode node, Ready rd) {
        Snapshot snap = rd.snapshot();
        if (snap != null) {
            SnapshotFrame.Parts parts = SnapshotFrame.unwrap(snap.data());
            membershipAt.put(snap.index(), new Membership(snap.metadata().confState(), parts.demoted()));
            handedIndex = Math.max(handedIndex, snap.index());
            snap = new Snapshot(snap.metadata(), parts.state()); // the state machine's bytes alone
        }
        List<Entry> all = rd.committedEntries();
        deliver(node, snap, all.subList(durableCommittedCount(rd), all.size())); // what onTaken left
    }

    /**
     * How many of the Ready's committed entries are already durable here: those before its first new
     * entry. With one Ready in flight, every entry of an earlier Ready was persisted before that Ready
     * was advanced; only this Ready's own entries (a follower may learn a commit index that covers what
     * it is appending now) must wait for its write. The leader counts its own log only once persisted,
     * so everything it commits is already durable here.
     */
    static int durableCommittedCount(Ready rd) {
        List<Entry> committed = rd.committedEntries();
        if (committed.isEmpty() || rd.snapshot() != null) {
            return 0;
        }
        if (rd.entries().isEmpty()) {
            return committed.size();
        }
        long firstNew = rd.entries().get(0).index();
        int n = 0;
        while (n < committed.size() && committed.get(n).index() < firstNew) {
            n++;
        }
        return n;
    }

    private void deliver(RaftNode node, Snapshot snap, List<Entry> committed) {
        if (snap == null && committed.isEmpty()) {
            return;
        }
        for (Entry e : committed) {
            if (e.type() == EntryType.CONF_CHANGE) {
                ConfChange cc = ConfChange.decode(e.data());
                ConfState before = node.confState();
                ConfState after = node.applyConfChange(cc);
                membershipAt.put(e.index(), new Membership(after, demoted().after(cc, before, after)));
                rejoin.onConfChangeApplied(cc, e.index());
            }
        }
        handToApplier(new ApplyTask(sink, cursor, snap, committed, requests.onCommitted(committed, node.getLeader())));
        if (!committed.isEmpty()) {
            handedIndex = committed.get(committed.size() - 1).index();
        }
    }

    /**
     * The capacity checked when the Ready was taken is not a reservation (many replicas' Readies may
     * become durable in one loop step), so a task may have to wait; a later one joins it.
     */
    private void handToApplier(ApplyTask task) {
        if (deferred != null) {
            deferred = deferred.followedBy(task);
        } else if (loop.applier().hasCapacity()) {
            loop.applier().submit(task);
        } else {
            deferred = task;
            loop.noteApplyBackPressure();
        }
    }

    /** Whether a task is kept back. */
    boolean hasDeferred() {
        return deferred != null;
    }

    /** Hands over the kept-back task if the applier has room; false when it is still kept back. */
    boolean submitDeferred() {
        if (deferred == null) {
            return true;
        }
        if (!loop.applier().hasCapacity()) {
            loop.noteApplyBackPressure();
            return false;
        }
        loop.applier().submit(deferred);
        deferred = null;
        return true;
    }

    /** Fails the proposals waiting on the kept-back task, which will never be applied, and drops it. */
    void dropDeferred(String why) {
        if (deferred != null && !deferred.waiters().isEmpty()) {
            RequestFailedException ex = new RequestFailedException(RequestFailedException.Reason.CLOSED, why);
            deferred.waiters().forEach(w -> w.future().completeExceptionally(ex));
        }
        deferred = null;
    }
}
