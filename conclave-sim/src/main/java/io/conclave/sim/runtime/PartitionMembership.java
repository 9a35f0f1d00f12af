package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.server.node.MembershipReconciler;
import io.conclave.server.node.ReplicaRemover;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The server's two passes that follow a reconcile pass, on one incarnation of a simulated node and one
 * metadata group (a controller), driven without blocking on the scheduler thread: the same decisions
 * {@code ConclaveNode} runs ({@link MembershipReconciler#decide}, {@link ReplicaRemover#unassigned},
 * {@link ReplicaRemover#verdict}, {@link ReplicaRemover#removalDurable}), with what they read taken
 * synchronously from the node's replicas and what they do issued through the runtime's own API on the
 * node ({@link RuntimeNode#changeMembership}, {@link RuntimeNode#transferLeadership},
 * {@link RuntimeNode#destroyGroup}), its answer awaited as a callback.
 *
 * <ul>
 *   <li>Membership: for every partition of the image whose group this node leads, one step (a learner
 *       added, promoted, a member removed, leadership handed off), at most one in flight per group
 *       (ConclaveNode waits for each). The preferred-leader hand-off waits for
 *       {@link MembershipReconciler#PREFERRED_HANDOFF_STABLE_MS} on the node's own clock.</li>
 *   <li>Removal: every replica this node stores that the image no longer assigns to it is destroyed
 *       when its topic was deleted, or, on a fresh image, once the partition's leader no longer lists the
 *       node and its durable commit index covers the membership it tracks. The leader is asked as
 *       ConclaveNode asks it over gRPC (the first assigned replica, then up to {@link #LEADER_HOPS_MAX}
 *       leader hints), but its status is read directly from the simulated node (the replica's status and
 *       its core's progress, in one scheduler step as the node's loop reads them in one turn); a hop
 *       whose nodes the network cuts apart, or to a node that is down or paused, fails as the call
 *       would.</li>
 * </ul>
 *
 * The planted bug {@code early-removal} skips the commit check: an unassigned replica is destroyed
 * as soon as the image says so; {@code undurable-removal} skips only the leader's durable commit. Lives and dies with its incarnation; scheduler thread only.
 */
final class PartitionMembership {

    static final int LEADER_HOPS_MAX = 3;
    /** How long a step or destruction may stay unanswered before the group is tried again (ConclaveNode's request timeout). */
    static final long ANSWER_NS_MAX = 5_000_000_000L;

    private final RuntimeNode node;
    private final long m;
    private final NodeReconciliation.Shared shared;
    private final MembershipReconciler.StableLeaders stable;
    /** Runtime ids of groups with a step or destruction in flight. */
    private final Set<Long> inFlight = new TreeSet<>();

    PartitionMembership(RuntimeNode node, long metadataGroup, NodeReconciliation.Shared shared) {
        this.node = node;
        this.m = metadataGroup;
        this.shared = shared;
        this.stable = new MembershipReconciler.StableLeaders(MembershipReconciler.PREFERRED_HANDOFF_STABLE_MS,
                node.clock()::nowNs);
    }

    /** The membership pass towards {@code img}: one step per group this node leads. */
    void membershipPass(ClusterImage img) {
        for (List<PartitionInfo> ps : img.partitionsByTopic().values()) {
            for (PartitionInfo p : ps) {
                long rid = PartitionGroups.runtimeId(m, p.groupId());
                Replica r = node.replica(rid);
                if (r == null || !r.raft().isLeader() || inFlight.contains(rid)) {
                    continue;
                }
                step(rid, MembershipReconciler.decide(p, r.raft().status(), node.id(), stable));
            }
        }
    }

    private void step(long rid, MembershipReconciler.Step step) {
        switch (step.kind()) {
            case NOTHING -> { }
            case HAND_OFF_LEAVING, HAND_TO_PREFERRED -> {
                node.transferLeadership(rid, step.node());
                shared.groups.noteStep(step.kind());
                shared.trace.record(shared.scheduler.nowNs(), "member.transfer", node.id(), rid, step.node(),
                        step.kind().ordinal());
            }
            default -> {
                CompletableFuture<Long> f = node.changeMembership(rid, step.confChange());
                if (f == null) {
                    return;
                }
                shared.trace.record(shared.scheduler.nowNs(), "member.change", node.id(), rid, step.node(),
                        step.kind().ordinal());
                await(rid, f, ok -> {
                    if (ok) {
                        shared.groups.noteStep(step.kind());
                    }
                });
            }
        }
    }

    /** The removal pass towards {@code img}: destroys the unassigned replicas whose removal is committed. */
    void removalPass(ClusterImage img) {
        Replica controller = node.replica(m);
        if (controller == null) {
            return;
        }
        List<Long> stored = new ArrayList<>();
        for (long rid : node.engine().groupIds()) {
            if (PartitionGroups.isPartition(rid) && PartitionGroups.metadataGroupOf(rid) == m) {
                stored.add(rid - m * PartitionGroups.STRIDE);
            }
        }
        for (ReplicaRemover.Unassigned u : ReplicaRemover.unassigned(img, node.id(), stored)) {
            long rid = PartitionGroups.runtimeId(m, u.groupId());
            if (inFlight.contains(rid)) {
                continue;
            }
            if (u.deleted() || removalCommitted(img, u, rid, controller.status())) {
                destroy(rid, u.deleted());
            } else if (shared.plantedEarlyRemoval) {
                destroy(rid, false);
            }
        }
    }

    private boolean removalCommitted(ClusterImage img, ReplicaRemover.Unassigned u, long rid, GroupStatus controller) {
        Replica own = node.replica(rid);
        if (own == null) {
            return false; // stored, not running (a deletion under way): ConclaveNode's status call fails
        }
        return switch (ReplicaRemover.verdict(img, u, controller)) {
            case ASK_LEADER -> shared.plantedUndurableRemoval ? committedOnly(own.status(), rid, u.partition())
                    : removalDurable(leaderAnswer(rid, u.partition()));
            case KEEP -> false;
        };
    }

    /** {@link ReplicaRemover#removalDurable}, counting the answers that dropped this node but are not durable yet. */
    private boolean removalDurable(ReplicaRemover.LeaderAnswer a) {
        boolean durable = ReplicaRemover.removalDurable(node.id(), a);
        if (!durable && !a.listed().isEmpty() && !a.listed().contains(node.id())) {
            shared.groups.removalAwaitedDurable++;
        }
        return durable;
    }

    /**
     * The planted bug {@code undurable-removal}, the rule before seed 341: the removal counts once this
     * replica applied a membership without the node, or the leader no longer lists it, whatever the
     * leader's disk holds.
     */
    private boolean committedOnly(GroupStatus own, long rid, PartitionInfo p) {
        if (own.commitIndex() > 0 && own.appliedIndex() >= own.commitIndex()
                && !own.confState().allMembers().contains(node.id())) {
            return true;
        }
        List<Long> listed = leaderAnswer(rid, p).listed();
        return !listed.isEmpty() && !listed.contains(node.id());
    }

    /** The partition's leader's answer, found as ConclaveNode finds it; NONE when no leader answered. */
    private ReplicaRemover.LeaderAnswer leaderAnswer(long rid, PartitionInfo p) {
        long target = p.replicas().get(0);
        for (int hop = 0; hop < LEADER_HOPS_MAX && target != 0 && target != node.id(); hop++) {
            RuntimeNode at = shared.nodes[(int) target];
            if (!at.isUp() || at.isPaused() || shared.network.isCut((int) node.id(), (int) target)
                    || shared.network.isCut((int) target, (int) node.id())) {
                return ReplicaRemover.LeaderAnswer.NONE;
            }
            Replica r = at.replica(rid);
            if (r == null) {
                return ReplicaRemover.LeaderAnswer.NONE; // UNKNOWN_PARTITION there: no hint
            }
            if (r.raft().isLeader()) {
                shared.groups.leaderAsked++;
                GroupStatus s = r.status();
                return new ReplicaRemover.LeaderAnswer(new ArrayList<>(r.raft().status().progress().keySet()),
                        s.durableCommitIndex(), s.membershipIndex());
            }
            target = r.raft().getLeader(); // NOT_LEADER with its hint
        }
        return ReplicaRemover.LeaderAnswer.NONE;
    }

    private void destroy(long rid, boolean deleted) {
        CompletableFuture<Void> f = node.destroyGroup(rid);
        if (f == null) {
            return;
        }
        shared.trace.record(shared.scheduler.nowNs(), "member.destroy", node.id(), rid, deleted ? 1 : 0, 0);
        await(rid, f, ok -> {
            if (ok) {
                shared.groups.noteDestroyed(deleted);
            }
        });
    }

    /** Marks {@code rid} busy until {@code f} completes or {@link #ANSWER_NS_MAX} passes; {@code then} gets success. */
    private void await(long rid, CompletableFuture<?> f, java.util.function.Consumer<Boolean> then) {
        inFlight.add(rid);
        boolean[] answered = new boolean[1];
        shared.scheduler.after(ANSWER_NS_MAX, () -> {
            if (!answered[0]) {
                answered[0] = true;
                inFlight.remove(rid);
            }
        });
        f.whenComplete((v, e) -> shared.scheduler.after(0, () -> {
            if (!answered[0]) {
                answered[0] = true;
                inFlight.remove(rid);
                then.accept(e == null);
            }
        }));
    }
}
