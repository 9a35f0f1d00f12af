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
 * <p>The same image also marks what the directory can know of its past: its group-id high-water mark
 * ({@link #groupIdMark}). Group ids are allocated in ascending order and never reused
 * ({@code ClusterImage.nextGroupId}), so a group above the mark was created after this directory was
 * registered, and no earlier directory of the node can have hosted it; a group at or below it may have
 * been hosted (and voted for, and been destroyed) by a directory that is gone. The mark is kept with the
 * settled flag ({@link Settler#settle}); a directory settled before marks were kept has none and counts
 * every group as older than itself ({@link #UNKNOWN_MARK}). The reconciler asks {@link #predates}.
 *
 * <p>Where the pending flag lives is the caller's ({@link Settler}): {@code ConclaveNode} keeps it in the
 * data directory's {@link NodeIdentity}; the simulator keeps it with its simulated disk.
 *
 * <p>Threads: {@link #onRegistered} on the controller group's applier; the rest on the node's
 * reconciler (one at a time).
 */
public final class LostReplicaCheck {

    /** Records, durably, that the directory is settled (its lost replicas all created), with its group-id mark. */
    @FunctionalInterface
    public interface Settler {
        void settle(long groupIdMark) throws IOException;
    }

    /** The mark of a directory that does not know it (settled before marks were kept): every group predates it. */
    public static final long UNKNOWN_MARK = Long.MAX_VALUE;

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
    /** The group-id high-water mark at this directory's registration; {@link #UNKNOWN_MARK} until decided. */
    private volatile long groupIdMark;

    private LostReplicaCheck(long nodeId, Settler settler, boolean pending, long groupIdMark) {
        this.nodeId = nodeId;
        this.settler = settler;
        this.pending = pending;
        this.groupIdMark = groupIdMark;
    }

    /**
     * A settled directory: every replica is created plain as far as this check goes; {@code groupIdMark}
     * is the one stored when it settled ({@link #UNKNOWN_MARK} when none was).
     */
    public static LostReplicaCheck settled(long nodeId, long groupIdMark) {
        return new LostReplicaCheck(nodeId, mark -> { }, false, groupIdMark);
    }

    /**
     * A directory whose check is pending: watches {@code metadata} for the entry registering
     * {@code incarnation}; {@code onDecided} (the reconciler's trigger) runs once it is seen;
     * {@code settler} records the end of the check once every lost replica is created.
     */
    public static LostReplicaCheck pending(long nodeId, MetadataLog metadata, long incarnation, Runnable onDecided,
                                           Settler settler) {
        LostReplicaCheck check = new LostReplicaCheck(nodeId, settler, true, UNKNOWN_MARK);
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

    /**
     * The group-id high-water mark of this directory: groups at or below it existed before the directory
     * was registered ({@link #UNKNOWN_MARK} while that is not decided, or for an old settled directory).
     */
    public long groupIdMark() {
        return groupIdMark;
    }

    /**
     * Whether group {@code groupId} may have existed before this directory (then an earlier directory of
     * this node may have hosted it, voted in it and destroyed it, and nothing here remembers); true
     * while the registration point is not seen yet.
     */
    public boolean predates(long groupId) {
        return groupId <= groupIdMark;
    }

    /**
     * The image right after this incarnation's registration (or a later one, when a snapshot skipped
     * it: more groups counted lost and older, never fewer): what it lists for this node is lost, and
     * its group-id high-water mark is the directory's.
     */
    void onRegistered(ClusterImage img) {
        Set<Long> groups = new TreeSet<>();
        for (PartitionInfo p : img.partitionsOn(nodeId)) {
            groups.add(p.groupId());
        }
        groupIdMark = img.groupIdHighWater();
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
        settler.settle(groupIdMark);
        pending = false;
        LOG.log(Level.INFO, "node {0}: data directory settled ({1} lost replicas recreated rejoining)", nodeId, l.size());
    }
}
