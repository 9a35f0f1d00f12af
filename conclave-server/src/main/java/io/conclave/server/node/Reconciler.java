package io.conclave.server.node;

import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.partition.PartitionLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One reconcile pass of a node towards a metadata image: for every partition the image assigns to
 * the node, the topic's retention is set on its log and, when the node hosts no replica of it yet,
 * the replica is created — rejoining when the node's data directory is new and the group had
 * history before it, plain otherwise, and not yet while that cannot be told ({@link LostReplicaCheck}), and
 * rejoining too when the node is a genesis voter of a partition whose replica set has changed since
 * ({@link #mayHaveMovedOn});
 * then the loss check is settled once every lost replica is hosted, and the passes that follow
 * (membership changes, removal of unassigned replicas) run with the same image.
 *
 * <p>The pass holds no thread, clock or socket of its own: whatever a step needs from the node goes
 * through {@link Replicas} and the passes it is given, and it blocks only where they do. {@code
 * ConclaveNode} runs it on its background executor, one pass at a time; the simulator runs it on its
 * scheduler thread.
 */
public final class Reconciler {

    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    /** The epoch of a partition's first assignment ({@code TopicHandlers.createTopic}); each replica-set change raises it. */
    static final long GENESIS_EPOCH = 1;

    /** The node's partition replicas, as the pass needs them. */
    public interface Replicas {
        /** Whether the node's storage holds a replica of {@code groupId}. */
        boolean hosts(long groupId);

        /** Sets the retention of the node's log of {@code groupId} (it may not be hosted yet). */
        void retention(long groupId, PartitionLog.Retention retention);

        /**
         * Creates the node's replica of {@code p}: a rejoining one (no vote until caught up) when
         * {@code rejoining}, otherwise a plain one from {@code p.genesis()} whose first replica campaigns.
         * Failures are the implementation's to report; the next pass tries again.
         */
        void create(PartitionInfo p, boolean rejoining);

    }

    /**
     * What one pass asked for: replicas to create plain, to create rejoining (each asked of
     * {@link Replicas#create}, which may fail), and replicas left for a later pass (loss check undecided).
     */
    public record Pass(int createdPlain, int createdRejoining, int deferred) {
    }

    private final long nodeId;
    private final Replicas replicas;
    private final Supplier<LostReplicaCheck> lossCheck;
    private final List<Consumer<ClusterImage>> afterPasses;

    /**
     * @param lossCheck the node's loss check; it may answer null (not known yet: nothing is created)
     * @param afterPasses run in order after the creations, with the same image
     */
    public Reconciler(long nodeId, Replicas replicas, Supplier<LostReplicaCheck> lossCheck,
                      List<Consumer<ClusterImage>> afterPasses) {
        this.nodeId = nodeId;
        this.replicas = Objects.requireNonNull(replicas, "replicas");
        this.lossCheck = Objects.requireNonNull(lossCheck, "lossCheck");
        this.afterPasses = List.copyOf(afterPasses);
    }

    /** Reconciles towards {@code img}. */
    public Pass pass(ClusterImage img) {
        LostReplicaCheck check = lossCheck.get();
        int plain = 0;
        int rejoining = 0;
        int deferred = 0;
        for (PartitionInfo p : img.partitionsOn(nodeId)) {
            TopicInfo topic = img.topics().get(p.topicId());
            if (topic != null) {
                replicas.retention(p.groupId(), retentionOf(topic));
            }
            if (replicas.hosts(p.groupId())) {
                continue;
            }
            LostReplicaCheck.Creation how = check == null ? LostReplicaCheck.Creation.NOT_YET
                    : check.creationOf(p.groupId());
            if (how == LostReplicaCheck.Creation.PLAIN && mayHaveMovedOn(p)) {
                how = LostReplicaCheck.Creation.REJOINING;
            }
            switch (how) {
                case NOT_YET -> deferred++;
                case REJOINING -> {
                    replicas.create(p, true);
                    rejoining++;
                }
                case PLAIN -> {
                    replicas.create(p, false);
                    plain++;
                }
                default -> throw new IllegalStateException("unknown creation " + how);
            }
        }
        if (check != null) {
            try {
                check.settleIfDone(img, replicas::hosts);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "node " + nodeId + " could not settle its data directory", e);
            }
        }
        for (Consumer<ClusterImage> after : afterPasses) {
            after.accept(img);
        }
        return new Pass(plain, rejoining, deferred);
    }

    /**
     * Whether a replica of {@code p} created now from its genesis membership could be a stale voter: this
     * node is a genesis voter and the replica set has changed since the partition was created (its epoch
     * moved on). The node may have held the replica before, voted and acknowledged entries, left the set
     * and destroyed it; created plain, it would start as a voter of the genesis membership with an empty
     * log, and two such replicas are a majority of a genesis of three that elects a leader of an old term
     * with nothing (seed 39 of the simulator's metadata workload with two groups: two leaders in term 1).
     * Rejoining, it neither votes nor campaigns until a current leader has given it the log. The price:
     * a genesis voter that creates its replica for the first time after an early change of the replica
     * set holds its vote back too, and a group that never elected a leader and needs that vote stays
     * without one (docs/simulation.md, {@code partition-unelected}).
     */
    private boolean mayHaveMovedOn(PartitionInfo p) {
        return p.epoch() > GENESIS_EPOCH && p.genesis().contains(nodeId);
    }

    /** A topic's retention as its configuration sets it (-1: unbounded). */
    static PartitionLog.Retention retentionOf(TopicInfo topic) {
        return new PartitionLog.Retention(
                Long.parseLong(topic.config().getOrDefault(TopicConfig.RETENTION_MS, "-1")),
                Long.parseLong(topic.config().getOrDefault(TopicConfig.RETENTION_BYTES, "-1")));
    }
}
