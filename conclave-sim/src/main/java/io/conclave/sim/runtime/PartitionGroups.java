package io.conclave.sim.runtime;

import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import java.util.List;
import java.util.TreeMap;

/**
 * The partition groups of a metadata run: each metadata group is a controller whose image assigns
 * partitions, and the nodes' {@link NodeReconciliation} create their replicas. A partition's group id
 * is unique only within its image, so the runtime hosts it as {@link #runtimeId}: the metadata group
 * times {@link #STRIDE} plus the image's id, which never meets a metadata group's id. Also keeps what
 * the run's reconcilers did (counts for the faults line) and the retention each replica was given.
 * Scheduler thread only.
 */
final class PartitionGroups {

    /** Runtime ids of metadata group {@code m}'s partitions lie in {@code (m * STRIDE, (m + 1) * STRIDE)}. */
    static final long STRIDE = 1_000_000L;

    /** Every partition group any reconciler created a replica of, with its genesis voters. */
    private final TreeMap<Long, List<Long>> known = new TreeMap<>();
    /** The retention ms last set on each (node, runtime group), for the end-of-run check. */
    private final TreeMap<List<Long>, Long> retentionMs = new TreeMap<>(PartitionGroups::compareLists);
    long createdPlain;
    long createdRejoining;
    /** Replicas created on a node that is only a learner of the metadata group assigning them. */
    long createdOnLearners;
    long refused;
    long registrations;
    /** Membership steps that completed, by {@code MembershipReconciler.Step.Kind} name. */
    final TreeMap<String, Long> steps = new TreeMap<>();
    long destroyedDeleted;
    long destroyedRemoved;
    long leaderAsked;
    /** Leader answers that dropped the asking node while their durable commit was below their membership index. */
    long removalAwaitedDurable;
    /** Replicas created on unassigned genesis voters that never hosted the group, for its first election. */
    long createdToElect;
    /** Destruction records the reconcilers dropped (their topics deleted). */
    long destroyRecordsDropped;

    static long runtimeId(long metadataGroup, long imageGroupId) {
        if (imageGroupId <= 0 || imageGroupId >= STRIDE || metadataGroup <= 0) {
            throw new IllegalArgumentException("partition group " + imageGroupId + " of metadata group "
                    + metadataGroup + " is outside the simulator's id space");
        }
        return metadataGroup * STRIDE + imageGroupId;
    }

    static boolean isPartition(long runtimeGroupId) {
        return runtimeGroupId > STRIDE;
    }

    /** The metadata group whose image assigns {@code runtimeGroupId}. */
    static long metadataGroupOf(long runtimeGroupId) {
        return runtimeGroupId / STRIDE;
    }

    /** The id {@code runtimeGroupId} has in its metadata group's image. */
    static long imageGroupId(long runtimeGroupId) {
        return runtimeGroupId % STRIDE;
    }

    /**
     * A reconciler created a replica of the group; {@code onLearner}: on a node that is only a learner of
     * the metadata group assigning it (so placement used a node beyond the controller's voters).
     */
    void noteCreated(long runtimeGroupId, List<Long> genesis, boolean rejoining, boolean onLearner) {
        known.putIfAbsent(runtimeGroupId, List.copyOf(genesis));
        if (onLearner) {
            createdOnLearners++;
        }
        if (rejoining) {
            createdRejoining++;
        } else {
            createdPlain++;
        }
    }

    void noteStep(io.conclave.server.node.MembershipReconciler.Step.Kind kind) {
        steps.merge(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), 1L, Long::sum);
    }

    void noteDestroyed(boolean topicDeleted) {
        if (topicDeleted) {
            destroyedDeleted++;
        } else {
            destroyedRemoved++;
        }
    }

    void noteRetention(long node, long runtimeGroupId, long ms) {
        retentionMs.put(List.of(node, runtimeGroupId), ms);
    }

    /** The retention ms last given to {@code node}'s replica of the group, or null. */
    Long retentionMs(long node, long runtimeGroupId) {
        return retentionMs.get(List.of(node, runtimeGroupId));
    }

    /** The partition groups created so far (runtime ids, ascending). */
    List<Long> knownIds() {
        return List.copyOf(known.keySet());
    }

    /**
     * The partition groups created so far with two replicas or more, for the writers. A single replica
     * whose disk was wiped is recreated rejoining and, as its group's only voter, stays leaderless for
     * good (until 2026-11-27 it elected itself with an empty log and reused the lost offsets, which
     * writes here showed as state-machine safety failures: docs/simulation.md); writes to such groups
     * could only time out.
     */
    List<Long> writableIds() {
        return known.entrySet().stream().filter(e -> e.getValue().size() >= 2).map(java.util.Map.Entry::getKey)
                .toList();
    }

    /** Every partition {@code image} of metadata group {@code m} assigns, by runtime id. */
    static TreeMap<Long, PartitionInfo> assigned(long m, ClusterImage image) {
        TreeMap<Long, PartitionInfo> out = new TreeMap<>();
        for (List<PartitionInfo> ps : image.partitionsByTopic().values()) {
            for (PartitionInfo p : ps) {
                out.put(runtimeId(m, p.groupId()), p);
            }
        }
        return out;
    }

    private static int compareLists(List<Long> a, List<Long> b) {
        int c = Long.compare(a.get(0), b.get(0));
        return c != 0 ? c : Long.compare(a.get(1), b.get(1));
    }
}
