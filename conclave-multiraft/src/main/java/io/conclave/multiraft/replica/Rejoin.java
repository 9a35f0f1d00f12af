package io.conclave.multiraft.replica;

import io.conclave.multiraft.loop.EventLoop;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.RaftNode;
import java.util.function.LongConsumer;

/**
 * The rejoin of one replica that may have lost data it acknowledged (a wiped disk, a log lost to
 * corruption): it stops voting, asks its leader to demote it to a learner, catches up, then asks to
 * be promoted back — if a rejoin's demotion made it a learner ({@link RejoinDemoted}); a learner by the
 * membership's choice ends its rejoin a learner, once caught up (docs/multiraft.md, "Replica identity
 * and rejoining after possible data loss"). Loop thread only; stepped by its {@link Replica} every
 * heartbeat interval.
 *
 * <p>The membership the replica has applied may be its past replayed (a lost or wiped log is re-sent
 * from the start, old demotions and promotions included), so the demotion counts only once this
 * incarnation's own request is applied: a leader appended it after the loss, so every entry the
 * replica's earlier acknowledgements may have helped commit lies below it, and the replica holds
 * them all by then. While its applied membership does not list it (not caught up to its addition
 * yet, or removed) it asks for nothing and keeps waiting.
 */
final class Rejoin {

    private final long groupId;
    private final long nodeId;
    private final long incarnation;
    private final EventLoop loop;
    private final LongConsumer onRejoined;
    private RejoinPhase phase;
    private long demotedAtCommit;
    /** Index of this incarnation's own demotion once applied; 0 before. */
    private long ownDemotionIndex;
    /** Tick of the last demotion request; retried after an election timeout. */
    private long demotionAskedTick = Long.MIN_VALUE / 2;
    /** Tick of the last promotion asked for after the rejoin ended ({@link #stepSettled}). */
    private long settledPromotionAskedTick = Long.MIN_VALUE / 2;

    Rejoin(long groupId, long nodeId, long incarnation, EventLoop loop, boolean rejoining, LongConsumer onRejoined) {
        this.groupId = groupId;
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.loop = loop;
        this.onRejoined = onRejoined;
        this.phase = rejoining ? RejoinPhase.DEMOTING : null;
    }

    /** Whether the replica is rejoining: it must not vote, nor rest, nor campaign. */
    boolean active() {
        return phase != null;
    }

    RejoinPhase phase() {
        return phase;
    }

    /** A membership change the replica has just applied at {@code index}. */
    void onConfChangeApplied(ConfChange cc, long index) {
        if (phase == RejoinPhase.DEMOTING && RejoinRequests.isDemotionBy(cc, nodeId, incarnation)) {
            ownDemotionIndex = index;
        }
    }

    /**
     * One step, every heartbeat interval: ask for the demotion (again after an election timeout), move
     * on once it is applied; ask for the promotion once caught up past the demotion and everything
     * committed is handed to the state machine ({@code handedIndex}) and a rejoin's demotion made it a
     * learner ({@code demoted}, as of the membership applied last); done once a voter again, or once
     * caught up as a learner that no rejoin demoted.
     */
    void step(RaftNode node, long ticks, long handedIndex, RejoinDemoted demoted) {
        if (phase == null) {
            throw new IllegalStateException("group " + groupId + ": stepped a rejoin that is not under way");
        }
        ConfState cs = node.confState();
        boolean voter = cs.voters().contains(nodeId) || cs.votersOutgoing().contains(nodeId);
        boolean learner = cs.learners().contains(nodeId);
        if (phase == RejoinPhase.DEMOTING) {
            if (ownDemotionIndex > 0) {
                phase = RejoinPhase.CATCHING_UP;
                demotedAtCommit = Math.max(node.commitIndex(), ownDemotionIndex);
                loop.noteRejoinDemoted();
            } else if ((voter || learner) && node.getLeader() != 0 && !cs.isJoint()
                    && ticks - demotionAskedTick >= loop.config().electionTimeoutTicks()) {
                node.proposeConfChange(RejoinRequests.demote(nodeId, incarnation));
                demotionAskedTick = ticks;
            }
        }
        if (phase == RejoinPhase.CATCHING_UP) {
            boolean caughtUp = node.commitIndex() >= demotedAtCommit && handedIndex >= node.commitIndex();
            if ((voter && !learner) || (learner && caughtUp && !demoted.contains(nodeId))) {
                phase = null; // recorded first: the counter says the rejoin is over and persisted
                onRejoined.accept(groupId);
                loop.noteRejoinCompleted();
            } else if (learner && node.getLeader() != 0 && caughtUp && !cs.isJoint()) {
                node.proposeConfChange(RejoinRequests.promote(nodeId, incarnation));
            }
        }
    }

    /**
     * Every heartbeat interval while no rejoin is under way: a replica that finds itself a learner that a
     * rejoin demoted asks to be a voter again once it has handed over everything it knows committed (at
     * most once an election timeout). Only a demotion retried by a past rejoin and appended after that
     * rejoin's promotion leaves a replica so (the rejoin was over, so nothing else would promote it); its
     * log is not suspect, so the usual catch-up suffices.
     */
    void stepSettled(RaftNode node, long ticks, long handedIndex, RejoinDemoted demoted) {
        if (phase != null || !demoted.contains(nodeId)) {
            return;
        }
        ConfState cs = node.confState();
        if (cs.learners().contains(nodeId) && node.getLeader() != 0 && !cs.isJoint()
                && handedIndex >= node.commitIndex()
                && ticks - settledPromotionAskedTick >= loop.config().electionTimeoutTicks()) {
            node.proposeConfChange(RejoinRequests.promote(nodeId, incarnation));
            settledPromotionAskedTick = ticks;
        }
    }
}
