package io.conclave.server.node;

import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.server.metadata.MetadataLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Tells, for a node started on a new data directory, which of the partition replicas the metadata
 * gives it had history before the directory existed: a replaced or wiped disk lost what those replicas
 * acknowledged, so they must be created rejoining (no vote until caught up), while a replica of a
 * group created later — every replica of a brand-new cluster — is created as a plain voter.
 *
 * <p>The rule (docs/operations.md, "A node whose disk was replaced"): the partitions the image assigns
 * to this node right after the entry that first registers its current incarnation were assigned
 * before this directory could host them, so they are lost; until that entry is applied no partition
 * replica is created at all. Placement picks only registered nodes, so on a brand-new cluster that
 * image assigns the node nothing. The directory's {@link NodeIdentity#lossCheckPending} flag keeps the
 * check alive across restarts until every lost replica has been created.
 *
 * <p>Where the pending flag lives is the caller's ({@link Settler}): {@code ConclaveNode} keeps it in the
 * data directory's {@link NodeIdentity}; the simulator keeps it with its simulated disk.
 *
 * <p>Threads: {@link #onRegistered} on the controller group's applier; the rest on the node's
 * reconciler (one at a time).
 */
public final class LostReplicaCheck {

    /** Records, durably, that the directory is settled (its lost replicas all created). */
    @FunctionalInterface
    public interface Settler {
        void settle() throws IOException;
    }

    /** How the reconciler may create a replica the image assigns to this node. */
    public enum Creation {
        /** The check is pending and the registration point not seen yet: create nothing. */
        NOT_YET,
        /** The group had history before this directory: a rejoining replica. */
        REJOINING,
        /** A group new to this node (or a directory that was never replaced): a plain replica. */
        PLAIN
    }

    private static final System.Logger LOG = System.getLogger(LostReplicaCheck.class.getName());

    private final long nodeId;
    private final Settler settler;
    private volatile boolean pending;
    private volatile Set<Long> lost;

    private LostReplicaCheck(long nodeId, Settler settler, boolean pending) {
        this.nodeId = nodeId;
        this.settler = settler;
        this.pending = pending;
    }

    /** A settled directory: every replica is created plain. */
    public static LostReplicaCheck settled(long nodeId) {
        return new LostReplicaCheck(nodeId, () -> { }, false);
    }

    /**
     * A directory whose check is pending: watches {@code metadata} for the entry registering
     * {@code incarnation}; {@code onDecided} (the reconciler's trigger) runs once it is seen;
     * {@code settler} records the end of the check once every lost replica is created.
     */
    public static LostReplicaCheck pending(long nodeId, MetadataLog metadata, long incarnation, Runnable onDecided,
                                           Settler settler) {
        LostReplicaCheck check = new LostReplicaCheck(nodeId, settler, true);
        metadata.watchRegistration(nodeId, incarnation, img -> {
            check.onRegistered(img);
            onDecided.run();
        });
        return check;
    }

    public boolean isPending() {
        return pending;
    }

    /** The groups found lost at the registration point, or null before it. */
    public Set<Long> lost() {
        return lost;
    }

    /** The image right after this incarnation's registration: what it lists for this node is lost. */
    void onRegistered(ClusterImage img) {
        Set<Long> groups = new TreeSet<>();
        for (PartitionInfo p : img.partitionsOn(nodeId)) {
            groups.add(p.groupId());
        }
        lost = Set.copyOf(groups);
        if (!groups.isEmpty()) {
            LOG.log(Level.WARNING, "node {0} started on a new data directory but the cluster had already given it "
                    + "the replicas of groups {1}: their data was lost with the old directory; they rejoin "
                    + "(no vote until caught up)", nodeId, groups);
        }
    }

    public Creation creationOf(long groupId) {
        if (!pending) {
            return Creation.PLAIN;
        }
        Set<Long> l = lost;
        if (l == null) {
            return Creation.NOT_YET;
        }
        return l.contains(groupId) ? Creation.REJOINING : Creation.PLAIN;
    }

    /**
     * Settles the directory (durably) once every lost group is hosted or no longer assigned here; until
     * then a restart redoes the check from its own registration.
     */
    public void settleIfDone(ClusterImage img, LongPredicate hosted) throws IOException {
        Set<Long> l = lost;
        if (!pending || l == null) {
            return;
        }
        List<Long> assigned = img.partitionsOn(nodeId).stream().map(PartitionInfo::groupId).toList();
        for (long gid : l) {
            if (assigned.contains(gid) && !hosted.test(gid)) {
                return;
            }
        }
        settler.settle();
        pending = false;
        LOG.log(Level.INFO, "node {0}: data directory settled ({1} lost replicas recreated rejoining)", nodeId, l.size());
    }
}
