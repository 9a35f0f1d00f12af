package io.conclave.server.node;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.RaftStatus;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves each partition this node leads towards the replica set the metadata assigns it, one
 * membership change at a time: a missing replica is added as a learner; a learner that has caught
 * up ({@link #caughtUp}: it holds entries, and its match index is within
 * {@link #CATCH_UP_SLACK_ENTRIES} of the commit) is promoted to voter;
 * a voter no longer assigned is removed, the furthest behind first (the leader hands its leadership
 * to an assigned voter that holds everything committed first when it is the one leaving). Once membership is as assigned, leadership goes to the
 * preferred (first) replica when it has caught up and the group's leadership has been stable for
 * {@link #PREFERRED_HANDOFF_STABLE_MS} (same leader and term over that long, as this node saw it), so
 * leaders spread as placement balanced them without a burst of moves right after a topic is created
 * or a node restarts (each move costs producers a re-route). Each pass makes at most one change per
 * group; passes repeat on every metadata change and every second, so a change that failed is simply
 * tried again.
 *
 * <p>What a pass does to a group is {@link #decide}'s, a function of the partition and its leader's
 * Raft status that the simulator runs too; this class is the node's driver, which reads the status and
 * waits for the change with bounded timeouts on the reconciling thread.
 */
public final class MembershipReconciler {

    public static final long CATCH_UP_SLACK_ENTRIES = 64;
    private static final System.Logger LOG = System.getLogger(MembershipReconciler.class.getName());

    /** How long a group's leader must have been unchanged before it is handed to the preferred replica. */
    public static final long PREFERRED_HANDOFF_STABLE_MS = 3_000;

    private final ConclaveNode node;
    private final StableLeaders stable;

    MembershipReconciler(ConclaveNode node) {
        this(node, PREFERRED_HANDOFF_STABLE_MS, System::nanoTime);
    }

    MembershipReconciler(ConclaveNode node, long stableMs, java.util.function.LongSupplier nowNs) {
        this.node = node;
        this.stable = new StableLeaders(stableMs, nowNs);
    }

    void pass(ClusterImage img) {
        RaftRuntime runtime = node.runtime();
        for (List<PartitionInfo> ps : img.partitionsByTopic().values()) {
            for (PartitionInfo p : ps) {
                if (runtime.leaderOf(p.groupId()).node() == node.nodeId()) {
                    try {
                        step(runtime, p);
                    } catch (ExecutionException | TimeoutException | RuntimeException e) {
                        LOG.log(Level.DEBUG, "group {0}: membership step deferred: {1}", p.groupId(), e.toString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void step(RaftRuntime runtime, PartitionInfo p)
            throws ExecutionException, TimeoutException, InterruptedException {
        RaftStatus st = runtime.raftStatus(p.groupId()).get(5, TimeUnit.SECONDS);
        Step step = decide(p, st, node.nodeId(), stable);
        switch (step.kind()) {
            case NOTHING -> { }
            case ADD_LEARNER -> change(runtime, p, step.confChange(), "added node " + step.node() + " as a learner");
            case PROMOTE -> change(runtime, p, step.confChange(), "promoted node " + step.node() + " to voter");
            case REMOVE_VOTER -> change(runtime, p, step.confChange(), "removed node " + step.node());
            case REMOVE_LEARNER -> change(runtime, p, step.confChange(), "removed learner " + step.node());
            case HAND_OFF_LEAVING -> runtime.transferLeadership(p.groupId(), step.node());
            case HAND_TO_PREFERRED -> {
                runtime.transferLeadership(p.groupId(), step.node());
                LOG.log(Level.DEBUG, "group {0}: leadership handed to preferred replica {1}", p.groupId(), step.node());
            }
            default -> throw new IllegalStateException("unknown step " + step);
        }
    }

    /**
     * The one change a pass makes to partition {@code p}'s group, led by {@code self} whose replica's
     * status is {@code st}: the decision the node and the simulator share. Calls {@code stable} only
     * once membership is as assigned (its first sight of a term starts that term's clock).
     */
    public static Step decide(PartitionInfo p, RaftStatus st, long self, StableLeaders stable) {
        ConfState conf = st.confState();
        if (conf.isJoint()) {
            return Step.NONE; // the core leaves the joint state by itself
        }
        List<Long> target = p.replicas();
        for (long n : target) {
            if (!conf.voters().contains(n) && !conf.learners().contains(n)) {
                return new Step(Step.Kind.ADD_LEARNER, n);
            }
        }
        for (long n : conf.learners()) {
            RaftStatus.PeerProgress pr = st.progress().get(n);
            if (target.contains(n) && caughtUp(pr, st.commit())) {
                return new Step(Step.Kind.PROMOTE, n);
            }
        }
        long leaving = mostLaggingUnassignedVoter(conf, target, st);
        if (leaving != 0) {
            if (leaving == self) {
                // A pending transfer is the core's to finish or abandon (within an election timeout).
                long to = st.leadTransferee() != 0 ? 0 : successor(conf, target, st);
                return to == 0 ? Step.NONE : new Step(Step.Kind.HAND_OFF_LEAVING, to);
            }
            return new Step(Step.Kind.REMOVE_VOTER, leaving);
        }
        for (long n : conf.learners()) {
            if (!target.contains(n)) {
                return new Step(Step.Kind.REMOVE_LEARNER, n);
            }
        }
        // Membership is as assigned: hand leadership to the preferred replica (the first one, which
        // placement balances over the nodes) once it holds everything committed.
        long preferred = target.get(0);
        RaftStatus.PeerProgress pr = st.progress().get(preferred);
        boolean settled = stable.settled(p.groupId(), st.term());
        if (preferred != self && conf.voters().contains(preferred) && pr != null && pr.match() >= st.commit()
                && st.leadTransferee() == 0 && settled) {
            return new Step(Step.Kind.HAND_TO_PREFERRED, preferred);
        }
        return Step.NONE;
    }

    /**
     * The voter no longer assigned that the leader's tracker shows furthest behind (no progress, or the
     * lowest match; the lowest id among equals), or 0 when every voter is assigned. Removing the laggard
     * first keeps the voters that hold the log: removing a caught-up voter first can leave a membership
     * whose majority needs a replica that never answers — one whose node never created it (it was no
     * longer assigned by the time it looked), which then blocks every later change, its own removal
     * included (seed 10 of the simulator's metadata workload with two groups). The leader's own match is
     * its last index, so it leaves last.
     */
    static long mostLaggingUnassignedVoter(ConfState conf, List<Long> target, RaftStatus st) {
        long chosen = 0;
        long chosenMatch = Long.MAX_VALUE;
        for (long n : conf.voters()) {
            if (target.contains(n)) {
                continue;
            }
            RaftStatus.PeerProgress pr = st.progress().get(n);
            long match = pr == null ? -1 : pr.match();
            if (match < chosenMatch) {
                chosen = n;
                chosenMatch = match;
            }
        }
        return chosen;
    }

    /**
     * The assigned voter a leaving leader hands its leadership to: the first, in the replica set's order,
     * that holds everything committed; 0 while none does (a later pass looks again). Not simply the first
     * assigned voter: that one may be a replica rejoining after its node lost its disk, far behind, which
     * refuses to campaign until it is a voter again by the rejoin protocol — and while a transfer is
     * pending the leader takes no proposal, the rejoining replica's own demotion request included, so a
     * hand-off tried again on every pass can keep it from rejoining (178 hand-offs in the simulator's
     * seed 322 of the metadata workload).
     */
    static long successor(ConfState conf, List<Long> target, RaftStatus st) {
        for (long n : target) {
            RaftStatus.PeerProgress pr = st.progress().get(n);
            if (conf.voters().contains(n) && pr != null && pr.match() >= st.commit()) {
                return n;
            }
        }
        return 0;
    }

    /**
     * Whether a learner has caught up: it holds entries (a match of 0 is a
     * replica the leader has heard nothing of — perhaps not even created yet: while the commit index is
     * below the slack, promoting it would make a voter of a node that holds nothing and may never
     * answer, which a group of one voter cannot even remove again), and is within
     * {@link #CATCH_UP_SLACK_ENTRIES} of the commit.
     */
    static boolean caughtUp(RaftStatus.PeerProgress pr, long commit) {
        return pr != null && pr.match() > 0 && commit - pr.match() <= CATCH_UP_SLACK_ENTRIES;
    }

    /**
     * What one pass does to one group: nothing, or one membership change or leadership hand-off
     * naming {@code node}.
     */
    public record Step(Kind kind, long node) {

        public static final Step NONE = new Step(Kind.NOTHING, 0);

        /** The kinds of step, in the order a pass looks for them. */
        public enum Kind {
            /** Membership is as assigned (or joint, or nothing to hand off to). */
            NOTHING,
            /** Add an assigned node the group lacks, as a learner. */
            ADD_LEARNER,
            /** Promote an assigned learner that has caught up to voter. */
            PROMOTE,
            /** Remove a voter no longer assigned (never the leader itself). */
            REMOVE_VOTER,
            /** Remove a learner no longer assigned. */
            REMOVE_LEARNER,
            /** The leader is the voter leaving: hand leadership to an assigned voter first. */
            HAND_OFF_LEAVING,
            /** Membership is as assigned and stable: hand leadership to the preferred replica. */
            HAND_TO_PREFERRED
        }

        public Step {
            if ((kind == Kind.NOTHING) != (node == 0)) {
                throw new IllegalArgumentException("step " + kind + " with node " + node);
            }
        }

        /** The membership change this step proposes; only for the four change kinds. */
        public ConfChange confChange() {
            return switch (kind) {
                case ADD_LEARNER -> ConfChange.addLearner(node);
                case PROMOTE -> ConfChange.addVoter(node);
                case REMOVE_VOTER, REMOVE_LEARNER -> ConfChange.remove(node);
                default -> throw new IllegalStateException("step " + kind + " proposes no membership change");
            };
        }
    }

    private void change(RaftRuntime runtime, PartitionInfo p, ConfChange cc, String what)
            throws ExecutionException, TimeoutException, InterruptedException {
        runtime.changeMembership(p.groupId(), cc).get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "partition {0}/{1} (group {2}): {3}", p.topicId(), p.partition(), p.groupId(), what);
    }

    /**
     * When each group's current leadership (this node leading in a term) began, as passes saw it:
     * a group is settled once the same term has been seen for {@code stableMs}. Touched only by the
     * reconciling thread (passes are serialised); a bounded map, pruned of groups not seen for long.
     */
    public static final class StableLeaders {
        private static final int GROUPS_MAX = 1_000_000;
        private final long stableNs;
        private final java.util.function.LongSupplier nowNs;
        private final java.util.Map<Long, long[]> since = new java.util.HashMap<>();

        public StableLeaders(long stableMs, java.util.function.LongSupplier nowNs) {
            if (stableMs < 0) {
                throw new IllegalArgumentException("stableMs must be >= 0, was " + stableMs);
            }
            this.stableNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(stableMs);
            this.nowNs = nowNs;
        }

        /** Whether {@code groupId} has been led in {@code term} for the stable time (first sight starts the clock). */
        public boolean settled(long groupId, long term) {
            long now = nowNs.getAsLong();
            long[] seen = since.get(groupId);
            if (seen == null || seen[0] != term) {
                if (since.size() >= GROUPS_MAX) {
                    since.clear(); // a bound, not a cache policy: at worst hand-offs wait once more
                }
                since.put(groupId, new long[] {term, now});
                return stableNs == 0;
            }
            return now - seen[1] >= stableNs;
        }
    }
}
