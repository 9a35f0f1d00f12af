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
 * preferred (first) replica when it has caught up, so leaders spread as placement balanced them. Each pass makes at most one change per group; passes repeat
 * on every metadata change and every second, so a change that failed is simply tried again.
 */
final class MembershipReconciler {

    static final long CATCH_UP_SLACK_ENTRIES = 64;
    private static final System.Logger LOG = System.getLogger(MembershipReconciler.class.getName());

    private final ConclaveNode node;

    MembershipReconciler(ConclaveNode node) {
        this.node = node;
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
        if (preferred != node.nodeId() && conf.voters().contains(preferred) && pr != null && pr.match() >= st.commit()
                && st.leadTransferee() == 0) {
            runtime.transferLeadership(p.groupId(), preferred);
            LOG.log(Level.DEBUG, "group {0}: leadership handed to preferred replica {1}", p.groupId(), preferred);
        }
    }

    private void change(RaftRuntime runtime, PartitionInfo p, ConfChange cc, String what)
            throws ExecutionException, TimeoutException, InterruptedException {
        runtime.changeMembership(p.groupId(), cc).get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "partition {0}/{1} (group {2}): {3}", p.topicId(), p.partition(), p.groupId(), what);
    }
}
