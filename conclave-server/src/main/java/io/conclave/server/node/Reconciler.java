package io.conclave.server.node;

import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.partition.PartitionLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One reconcile pass of a node towards a metadata image: for every partition the image assigns to
 * the node, the topic's retention is set on its log and, when the node hosts no replica of it yet,
 * the replica is created — rejoining when the node's data directory is new and the group had
 * history before it, plain otherwise, and not yet while that cannot be told ({@link LostReplicaCheck}), and
 * rejoining too when the node is a genesis voter of a partition whose replica set has changed since and
 * the node may have hosted it before ({@link #mayHaveMovedOn}); a genesis voter that is no longer assigned
 * and never hosted the group creates a plain replica all the same, so the group can elect its first leader
 * ({@link #createToElect});
 * then the loss check is settled once every lost replica is hosted, the records of destroyed replicas
 * whose topic was deleted are dropped, and the passes that follow (membership changes, removal of
 * unassigned replicas) run with the same image.
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

        /**
         * Whether this data directory destroyed (or began to destroy) a replica of {@code groupId}: the
         * durable record written before every destruction ({@code RaftRuntime.destroyedGroups}).
         */
        boolean destroyedHere(long groupId);

        /** The groups whose destruction records are kept (see {@link #destroyedHere}). */
        Set<Long> destroyedRecords();

        /**
         * Drops the destruction records of {@code groupIds}, groups never to be assigned again (their
         * topic was deleted). Failures are the implementation's to report; a later pass tries again.
         */
        void forgetDestroyed(Set<Long> groupIds);
    }

    /**
     * What one pass asked for: replicas to create plain, to create rejoining (each asked of
     * {@link Replicas#create}, which may fail), replicas left for a later pass (loss check undecided), and
     * replicas of partitions no longer assigned here created plain so that their group can elect its first
     * leader ({@link #createToElect}).
     */
    public record Pass(int createdPlain, int createdRejoining, int deferred, int createdToElect) {
        public Pass(int createdPlain, int createdRejoining, int deferred) {
            this(createdPlain, createdRejoining, deferred, 0);
        }
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
            if (how == LostReplicaCheck.Creation.PLAIN && mayHaveMovedOn(p, check)) {
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
        int toElect = check == null ? 0 : createToElect(img, check);
        if (check != null) {
            try {
                check.settleIfDone(img, replicas::hosts);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "node " + nodeId + " could not settle its data directory", e);
            }
        }
        Set<Long> deleted = deletedGroups(img, replicas.destroyedRecords());
        if (!deleted.isEmpty()) {
            replicas.forgetDestroyed(deleted);
        }
        for (Consumer<ClusterImage> after : afterPasses) {
            after.accept(img);
        }
        return new Pass(plain, rejoining, deferred, toElect);
    }

    /**
     * Creates, plain, this node's replica of every partition whose replica set no longer holds the node but
     * whose genesis voters do, when the node never hosted the group ({@link #neverHosted}). A replica set
     * that shrank before enough genesis voters created their replicas leaves a group whose first leader
     * needs the votes of genesis voters that are no longer assigned (docs/simulation.md,
     * {@code partition-unelected}): such a replica gives its vote, the group elects a leader, whose
     * membership pass removes the unassigned voter, and the remover destroys the replica (recorded, so it
     * is never created again). When the group has moved on already, the replica is a genesis voter with an
     * empty log that no current voter elects, and it is destroyed as soon as the leader answers.
     *
     * @return how many were asked for
     */
    private int createToElect(ClusterImage img, LostReplicaCheck check) {
        int asked = 0;
        for (List<PartitionInfo> ps : img.partitionsByTopic().values()) {
            for (PartitionInfo p : ps) {
                if (p.epoch() > GENESIS_EPOCH && p.genesis().contains(nodeId) && !p.replicas().contains(nodeId)
                        && !replicas.hosts(p.groupId())
                        && check.creationOf(p.groupId()) == LostReplicaCheck.Creation.PLAIN && neverHosted(p, check)) {
                    replicas.create(p, false);
                    asked++;
                }
            }
        }
        return asked;
    }

    /** Whether no data directory of this node can have hosted {@code p}'s group (no record, younger than the mark). */
    private boolean neverHosted(PartitionInfo p, LostReplicaCheck check) {
        return !replicas.destroyedHere(p.groupId()) && !check.predates(p.groupId());
    }

    /**
     * Whether a replica of {@code p} created now from its genesis membership could be a stale voter: this
     * node is a genesis voter, the replica set has changed since the partition was created (its epoch
     * moved on), and the node may have hosted the group before — this data directory destroyed a replica
     * of it ({@link Replicas#destroyedHere}), or the group predates the directory
     * ({@link LostReplicaCheck#predates}: an earlier directory of the node, wiped or replaced, may have
     * hosted it). Such a node may have held the replica, voted and acknowledged entries, left the set
     * and destroyed it; created plain, it would start as a voter of the genesis membership with an empty
     * log, and two such replicas are a majority of a genesis of three that elects a leader of an old term
     * with nothing (seed 39 of the simulator's metadata workload with two groups: two leaders in term 1).
     * Rejoining, it neither votes nor campaigns until a current leader has given it the log. A genesis
     * voter that never hosted the group (none of the two) is created plain and can vote: a group whose
     * replica set changed before it elected its first leader needs that vote (docs/simulation.md,
     * "{@code partition-unelected}").
     */
    private boolean mayHaveMovedOn(PartitionInfo p, LostReplicaCheck check) {
        return p.epoch() > GENESIS_EPOCH && p.genesis().contains(nodeId) && !neverHosted(p, check);
    }

    /**
     * Of {@code records}, the groups {@code img} says were deleted: absent from it though its group-id
     * high-water mark covers them (ids are never reused, so such a group is never assigned again; an image
     * still replaying at start knows no group above its mark and drops nothing of it).
     */
    static Set<Long> deletedGroups(ClusterImage img, Set<Long> records) {
        if (records.isEmpty()) {
            return Set.of();
        }
        Set<Long> live = new HashSet<>();
        img.partitionsByTopic().values().forEach(ps -> ps.forEach(p -> live.add(p.groupId())));
        Set<Long> out = new TreeSet<>();
        for (long gid : records) {
            if (gid <= img.groupIdHighWater() && !live.contains(gid)) {
                out.add(gid);
            }
        }
        return out;
    }

    /** A topic's retention as its configuration sets it (-1: unbounded). */
    static PartitionLog.Retention retentionOf(TopicInfo topic) {
        return new PartitionLog.Retention(
                Long.parseLong(topic.config().getOrDefault(TopicConfig.RETENTION_MS, "-1")),
                Long.parseLong(topic.config().getOrDefault(TopicConfig.RETENTION_BYTES, "-1")));
    }
}
