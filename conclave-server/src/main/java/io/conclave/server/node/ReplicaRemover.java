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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
 * Never the controller group's replica. Which replicas are unassigned and when a removal counts as
 * committed are {@link #unassigned}'s and {@link #verdict}'s, functions of the image and the replicas'
 * statuses that the simulator runs too; this class is the node's driver (bounded waits, the leader asked
 * over gRPC).
 */
public final class ReplicaRemover {

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
        List<Long> stored = new ArrayList<>(runtime.storage().groupIds());
        stored.remove(Long.valueOf(NodeStateMachine.CONTROLLER_GROUP));
        for (Unassigned u : unassigned(img, self, stored)) {
            if (!u.deleted() && !removalCommitted(img, u)) {
                continue;
            }
            long gid = u.groupId();
            PartitionInfo p = u.partition();
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

    /** A replica this node stores that the image no longer assigns to it; {@code partition} null when its topic was deleted. */
    public record Unassigned(long groupId, PartitionInfo partition) {
        public boolean deleted() {
            return partition == null;
        }
    }

    /** What to do with an unassigned replica whose topic still exists, as far as this node can tell alone. */
    public enum Verdict {
        /** Its removal is committed: this replica applied a membership without this node, on a fresh image. */
        DESTROY,
        /** Not known here: destroy it if the partition's leader no longer lists this node ({@link #leaderDropped}). */
        ASK_LEADER,
        /** Keep it for now (the image is not fresh, or nobody can be asked); a later pass decides again. */
        KEEP
    }

    /**
     * The replicas among {@code stored} (partition group ids, the controller group left out) that
     * {@code img} does not assign to {@code self}, ascending: a deleted topic's (the group is gone from
     * an image whose group-id high-water mark covers it), or one whose replica set no longer holds
     * {@code self}. Groups above the high-water mark were created after what this image knows: kept.
     */
    public static List<Unassigned> unassigned(ClusterImage img, long self, Collection<Long> stored) {
        Set<Long> assigned = new TreeSet<>();
        img.partitionsOn(self).forEach(p -> assigned.add(p.groupId()));
        Map<Long, PartitionInfo> byGroup = new HashMap<>();
        img.partitionsByTopic().values().forEach(ps -> ps.forEach(p -> byGroup.put(p.groupId(), p)));
        List<Unassigned> out = new ArrayList<>();
        for (long gid : new TreeSet<>(stored)) {
            if (!assigned.contains(gid) && gid <= img.groupIdHighWater()) {
                out.add(new Unassigned(gid, byGroup.get(gid)));
            }
        }
        return out;
    }

    /**
     * Whether the removal of {@code self} from a live partition is known committed here: {@code own} is
     * this node's replica of it, {@code controller} this node's controller replica. Judged only on fresh
     * knowledge: the replica has applied everything it knows committed (after a restart its membership is
     * its snapshot's until it re-applies its log), and so has the controller replica (an image replayed
     * at start passes through older assignments). {@code ASK_LEADER} when the image is fresh but this
     * replica cannot tell.
     */
    public static Verdict verdict(ClusterImage img, Unassigned u, long self, GroupStatus own, GroupStatus controller) {
        if (u.deleted()) {
            throw new IllegalArgumentException("group " + u.groupId() + " belongs to a deleted topic: destroy it");
        }
        if (!freshImage(controller)) {
            return Verdict.KEEP;
        }
        if (own.commitIndex() > 0 && own.appliedIndex() >= own.commitIndex()
                && !own.confState().allMembers().contains(self)) {
            return Verdict.DESTROY;
        }
        PartitionInfo p = u.partition();
        return img.topics().get(p.topicId()) == null || p.replicas().isEmpty() ? Verdict.KEEP : Verdict.ASK_LEADER;
    }

    /**
     * Whether the partition's leader, answering with the nodes its tracker lists ({@code listed}),
     * dropped {@code self}: a leader's tracker drops a peer only when it applies the removal, which is
     * committed then. An empty list tells nothing.
     */
    public static boolean leaderDropped(long self, Collection<Long> listed) {
        return !listed.isEmpty() && !listed.contains(self);
    }

    private static boolean freshImage(GroupStatus controller) {
        return controller.appliedIndex() >= controller.commitIndex();
    }

    private boolean removalCommitted(ClusterImage img, Unassigned u) {
        try {
            Verdict v = verdict(img, u, node.nodeId(), status(u.groupId()), status(NodeStateMachine.CONTROLLER_GROUP));
            return v == Verdict.DESTROY || (v == Verdict.ASK_LEADER && leaderListsNot(img, u.partition()));
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private GroupStatus status(long gid) throws ExecutionException, TimeoutException, InterruptedException {
        return node.runtime().status(gid).get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Whether the partition's leader (found by asking an assigned replica, following hints) no longer lists this node. */
    private boolean leaderListsNot(ClusterImage img, PartitionInfo p) {
        TopicInfo topic = img.topics().get(p.topicId());
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
                return leaderDropped(node.nodeId(), st.getReplicasList().stream().map(r -> r.getNodeId()).toList());
            } catch (StatusRuntimeException e) {
                target = ApiErrors.leaderOf(e);
            }
        }
        return false;
    }
}
