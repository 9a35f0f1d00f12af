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
 * up (its match index within {@link #CATCH_UP_SLACK_ENTRIES} of the commit) is promoted to voter;
 * a voter no longer assigned is removed (the leader hands its leadership to an assigned voter
 * first when it is the one leaving). Once membership is as assigned, leadership goes to the
 * preferred (first) replica when it has caught up and the group's leadership has been stable for
 * {@link #PREFERRED_HANDOFF_STABLE_MS} (same leader and term over that long, as this node saw it), so
 * leaders spread as placement balanced them without a burst of moves right after a topic is created
 * or a node restarts (each move costs producers a re-route). Each pass makes at most one change per
 * group; passes repeat on every metadata change and every second, so a change that failed is simply
 * tried again.
 */
final class MembershipReconciler {

    static final long CATCH_UP_SLACK_ENTRIES = 64;
    private static final System.Logger LOG = System.getLogger(MembershipReconciler.class.getName());

    /** How long a group's leader must have been unchanged before it is handed to the preferred replica. */
    static final long PREFERRED_HANDOFF_STABLE_MS = 3_000;

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
        ConfState conf = st.confState();
        if (conf.isJoint()) {
            return; // the core leaves the joint state by itself
        }
        List<Long> target = p.replicas();
        for (long n : target) {
            if (!conf.voters().contains(n) && !conf.learners().contains(n)) {
                change(runtime, p, ConfChange.addLearner(n), "added node " + n + " as a learner");
                return;
            }
        }
        for (long n : conf.learners()) {
            RaftStatus.PeerProgress pr = st.progress().get(n);
            if (target.contains(n) && pr != null && st.commit() - pr.match() <= CATCH_UP_SLACK_ENTRIES) {
                change(runtime, p, ConfChange.addVoter(n), "promoted node " + n + " to voter");
                return;
            }
        }
        for (long n : conf.voters()) {
            if (!target.contains(n)) {
                if (n == node.nodeId()) {
                    long to = target.stream().filter(conf.voters()::contains).findFirst().orElse(0L);
                    if (to != 0) {
                        runtime.transferLeadership(p.groupId(), to);
                    }
                    return;
                }
                change(runtime, p, ConfChange.remove(n), "removed node " + n);
                return;
            }
        }
        for (long n : conf.learners()) {
            if (!target.contains(n)) {
                change(runtime, p, ConfChange.remove(n), "removed learner " + n);
                return;
            }
        }
        // Membership is as assigned: hand leadership to the preferred replica (the first one, which
        // placement balances over the nodes) once it holds everything committed.
        long preferred = target.get(0);
        RaftStatus.PeerProgress pr = st.progress().get(preferred);
        boolean settled = stable.settled(p.groupId(), st.term());
        if (preferred != node.nodeId() && conf.voters().contains(preferred) && pr != null && pr.match() >= st.commit()
                && st.leadTransferee() == 0 && settled) {
            runtime.transferLeadership(p.groupId(), preferred);
            LOG.log(Level.DEBUG, "group {0}: leadership handed to preferred replica {1}", p.groupId(), preferred);
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
    static final class StableLeaders {
        private static final int GROUPS_MAX = 1_000_000;
        private final long stableNs;
        private final java.util.function.LongSupplier nowNs;
        private final java.util.Map<Long, long[]> since = new java.util.HashMap<>();

        StableLeaders(long stableMs, java.util.function.LongSupplier nowNs) {
            if (stableMs < 0) {
                throw new IllegalArgumentException("stableMs must be >= 0, was " + stableMs);
            }
            this.stableNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(stableMs);
            this.nowNs = nowNs;
        }

        /** Whether {@code groupId} has been led in {@code term} for the stable time (first sight starts the clock). */
        boolean settled(long groupId, long term) {
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
