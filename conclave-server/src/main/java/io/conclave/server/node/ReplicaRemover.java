package io.conclave.server.node;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Destroys this node's replicas ({@link RaftRuntime#destroyGroup}: runtime, state, disk) of
 * partitions the image no longer assigns to it, on the reconciler's thread after each pass:
 *
 * <ul>
 *   <li>a deleted topic's: the group is gone from an image whose group-id high-water mark covers it
 *       (ids are never reused; an image still replaying at start knows no such group yet);</li>
 *   <li>one whose replica set shrank, once its removal is committed: this replica has applied a
 *       membership without itself, or — when it never heard that its removal committed (it was down,
 *       or the leader stopped sending to it first) — the partition's leader answers a replication
 *       status that no longer lists this node (a leader's tracker drops a peer only when it applies
 *       the removal, which is committed then).</li>
 * </ul>
 *
 * Never the controller group's replica.
 */
final class ReplicaRemover {

    private static final System.Logger LOG = System.getLogger(ReplicaRemover.class.getName());
    /** Hops to find the partition's leader by the hints of NOT_LEADER answers. */
    private static final int LEADER_HOPS_MAX = 3;
    private static final long STATUS_DEADLINE_MS = 5_000;

    private final ConclaveNode node;

    ReplicaRemover(ConclaveNode node) {
        this.node = node;
    }

    void pass(ClusterImage img) {
        RaftRuntime runtime = node.runtime();
        long self = node.nodeId();
        Set<Long> assigned = new TreeSet<>();
        img.partitionsOn(self).forEach(p -> assigned.add(p.groupId()));
        Map<Long, PartitionInfo> byGroup = new HashMap<>();
        img.partitionsByTopic().values().forEach(ps -> ps.forEach(p -> byGroup.put(p.groupId(), p)));
        for (long gid : runtime.storage().groupIds()) {
            if (gid == NodeStateMachine.CONTROLLER_GROUP || assigned.contains(gid) || gid > img.groupIdHighWater()) {
                continue; // ours, or created after what this image knows
            }
            PartitionInfo p = byGroup.get(gid);
            if (p != null && !removalCommitted(img, p)) {
                continue;
            }
            try {
                runtime.destroyGroup(gid).get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
                node.producing().forget(gid);
                LOG.log(Level.INFO, "node {0} destroyed its replica of group {1}: {2}", self, gid,
                        p == null ? "its topic was deleted" : "it left the replica set of partition "
                                + p.topicId() + "/" + p.partition());
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.log(Level.WARNING, "node " + self + " could not destroy its replica of group " + gid, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean removalCommitted(ClusterImage img, PartitionInfo p) {
        try {
            return removalApplied(p.groupId()) || leaderDropped(img, p);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether this node's replica has applied a membership without this node, judged only on fresh
     * knowledge: the replica has applied everything it knows committed (after a restart its membership
     * is its snapshot's until it re-applies its log), and so has this node's controller replica (an
     * image replayed at start passes through older assignments).
     */
    private boolean removalApplied(long gid) throws ExecutionException, TimeoutException, InterruptedException {
        GroupStatus st = status(gid);
        return freshImage() && st.commitIndex() > 0 && st.appliedIndex() >= st.commitIndex()
                && !st.confState().allMembers().contains(node.nodeId());
    }

    private boolean freshImage() throws ExecutionException, TimeoutException, InterruptedException {
        GroupStatus controller = status(NodeStateMachine.CONTROLLER_GROUP);
        return controller.appliedIndex() >= controller.commitIndex();
    }

    private GroupStatus status(long gid) throws ExecutionException, TimeoutException, InterruptedException {
        return node.runtime().status(gid).get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Whether the partition's leader (found by asking an assigned replica, following hints) no longer lists this node. */
    private boolean leaderDropped(ClusterImage img, PartitionInfo p)
            throws ExecutionException, TimeoutException, InterruptedException {
        TopicInfo topic = img.topics().get(p.topicId());
        if (topic == null || p.replicas().isEmpty() || !freshImage()) {
            return false;
        }
        ReplicationStatusRequest req = ReplicationStatusRequest.newBuilder().setTopic(topic.name())
                .setPartition(p.partition()).build();
        long target = p.replicas().get(0);
        for (int hop = 0; hop < LEADER_HOPS_MAX && target != 0 && target != node.nodeId(); hop++) {
            ManagedChannel ch = node.channelToNode(target);
            if (ch == null) {
                return false;
            }
            try {
                ReplicationStatusResponse st = ClientCalls.blockingUnaryCall(ch, ConclaveGrpc.REPLICATION_STATUS,
                        CallOptions.DEFAULT.withDeadlineAfter(STATUS_DEADLINE_MS, TimeUnit.MILLISECONDS), req);
                return st.getReplicasCount() > 0
                        && st.getReplicasList().stream().noneMatch(r -> r.getNodeId() == node.nodeId());
            } catch (StatusRuntimeException e) {
                target = ApiErrors.leaderOf(e);
            }
        }
        return false;
    }
}
