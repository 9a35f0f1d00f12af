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
 *   <li>one whose replica set shrank, once its removal is committed <em>and durable on the
 *       partition's leader</em>: the leader answers a replication status that no longer lists this
 *       node (a leader's tracker drops a peer only when it applies the removal, which is committed
 *       then) and whose durable commit index covers the membership it tracks
 *       ({@link #removalDurable}).</li>
 * </ul>
 *
 * Why the leader's durable commit: the multiraft writes a hard state whose only news is a higher
 * commit lazily ({@code HeldCommit}), so a replica may apply — and a leader may announce — a commit
 * that its own disk does not hold yet. A survivor that restarts below the removal counts the
 * removed voter again; when it was one of two voters it then needs a vote that no longer exists
 * (the simulator's seed 341, docs/simulation.md). Asking the leader even when this replica applied
 * a membership without itself costs one status call per removed replica, never the write path.
 *
 * <p>Never the controller group's replica. Which replicas are unassigned and when a removal may be
 * acted on are {@link #unassigned}'s, {@link #verdict}'s and {@link #removalDurable}'s, functions of
 * the image and the statuses that the simulator runs too; this class is the node's driver (bounded
 * waits, the leader asked over gRPC).
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
        /** Destroy it if the partition's leader answers that the removal is durable there ({@link #removalDurable}). */
        ASK_LEADER,
        /** Keep it for now (the image is not fresh, or nobody can be asked); a later pass decides again. */
        KEEP
    }

    /**
     * What the partition's leader answered, from one turn of its loop: the nodes its tracker lists, the
     * commit index its storage confirmed durable, and the index its membership took effect at.
     * {@link #NONE} when no leader answered (or one too old to say what is durable).
     */
    public record LeaderAnswer(List<Long> listed, long durableCommitIndex, long membershipIndex) {
        public static final LeaderAnswer NONE = new LeaderAnswer(List.of(), 0, 0);

        public LeaderAnswer {
            listed = List.copyOf(listed);
        }
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
     * Whether to ask the partition's leader about the removal of this node's replica of a live partition
     * ({@code controller} is this node's controller replica). Judged only on a fresh image: the
     * controller replica has applied everything it knows committed (an image replayed at start passes
     * through older assignments). What this node's own replica applied is not enough, even a membership
     * without this node: its leader may not have that commit on disk yet ({@link #removalDurable}).
     */
    public static Verdict verdict(ClusterImage img, Unassigned u, GroupStatus controller) {
        if (u.deleted()) {
            throw new IllegalArgumentException("group " + u.groupId() + " belongs to a deleted topic: destroy it");
        }
        if (!freshImage(controller)) {
            return Verdict.KEEP;
        }
        PartitionInfo p = u.partition();
        return img.topics().get(p.topicId()) == null || p.replicas().isEmpty() ? Verdict.KEEP : Verdict.ASK_LEADER;
    }

    /**
     * Whether the partition's leader, by its {@code answer}, dropped {@code self} durably: its tracker
     * no longer lists {@code self} (it drops a peer only when it applies the removal, which is committed
     * then) and its durable commit index covers the membership it tracks, so that a restart of the
     * leader applies that membership again rather than one that still counts {@code self}'s vote. The
     * leader is a voter of that membership (a removed leader is never asked: the ask stops at a hint
     * to {@code self}); with a membership of one it is the only one who could remember the removal. An
     * empty list tells nothing.
     */
    public static boolean removalDurable(long self, LeaderAnswer answer) {
        return leaderDropped(self, answer.listed()) && answer.durableCommitIndex() >= answer.membershipIndex();
    }

    private static boolean leaderDropped(long self, Collection<Long> listed) {
        return !listed.isEmpty() && !listed.contains(self);
    }

    private static boolean freshImage(GroupStatus controller) {
        return controller.appliedIndex() >= controller.commitIndex();
    }

    private boolean removalCommitted(ClusterImage img, Unassigned u) {
        try {
            Verdict v = verdict(img, u, status(NodeStateMachine.CONTROLLER_GROUP));
            return v == Verdict.ASK_LEADER && removalDurable(node.nodeId(), leaderAnswer(img, u.partition()));
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

    /** The partition's leader's answer, found by asking an assigned replica and following hints; NONE when none answered. */
    private LeaderAnswer leaderAnswer(ClusterImage img, PartitionInfo p) {
        TopicInfo topic = img.topics().get(p.topicId());
        ReplicationStatusRequest req = ReplicationStatusRequest.newBuilder().setTopic(topic.name())
                .setPartition(p.partition()).build();
        long target = p.replicas().get(0);
        for (int hop = 0; hop < LEADER_HOPS_MAX && target != 0 && target != node.nodeId(); hop++) {
            ManagedChannel ch = node.channelToNode(target);
            if (ch == null) {
                return LeaderAnswer.NONE;
            }
            try {
                ReplicationStatusResponse st = ClientCalls.blockingUnaryCall(ch, ConclaveGrpc.REPLICATION_STATUS,
                        CallOptions.DEFAULT.withDeadlineAfter(STATUS_DEADLINE_MS, TimeUnit.MILLISECONDS), req);
                return answerOf(st);
            } catch (StatusRuntimeException e) {
                target = ApiErrors.leaderOf(e);
            }
        }
        return LeaderAnswer.NONE;
    }

    /** A replication status as a leader's answer; NONE from a server too old to say what is durable. */
    static LeaderAnswer answerOf(ReplicationStatusResponse st) {
        if (!st.hasDurableCommitIndex() || !st.hasMembershipIndex()) {
            return LeaderAnswer.NONE;
        }
        return new LeaderAnswer(st.getReplicasList().stream().map(r -> r.getNodeId()).toList(),
                st.getDurableCommitIndex(), st.getMembershipIndex());
    }
}
