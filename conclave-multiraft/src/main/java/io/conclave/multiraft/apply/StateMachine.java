package io.conclave.multiraft.apply;

import io.conclave.raft.Entry;
import java.util.List;

/**
 * The replicated state of every group on a node. Called by appliers only, never concurrently for
 * one group (a group belongs to one loop, and each loop has one applier); calls for different
 * groups may come from different applier threads at once.
 */
public interface StateMachine {

    /**
     * Applies committed {@code NORMAL} entries of {@code groupId}, in index order, without gaps
     * (a leader's empty no-op entries included; membership changes are the runtime's business
     * and are not passed).
     */
    void apply(long groupId, List<Entry> entries);

    /**
     * The group's whole state as of the last entry applied, to be restored by {@link #restore}; or
     * null when the group takes no snapshots and keeps its whole log (a partition whose log IS its
     * data: it is rebuilt by replaying the log, and a new replica catches up from the log).
     */
    byte[] snapshot(long groupId);

    /** Replaces the group's state with a snapshot's. */
    void restore(long groupId, byte[] data);

    /**
     * Called by the applier when a group passed its snapshot threshold, with everything up to
     * {@code appliedIndex} applied: the snapshot to store, or null for none. A state machine may
     * summarize its state only up to an earlier index — a partition's retention point, behind which
     * its log may then be compacted while later entries are kept and replayed after a restore. The
     * default is {@link #snapshot} as of {@code appliedIndex}.
     */
    default IndexedSnapshot snapshotUpTo(long groupId, long appliedIndex) {
        byte[] data = snapshot(groupId);
        return data == null ? null : new IndexedSnapshot(appliedIndex, data);
    }

    /**
     * A state-machine snapshot and the log index it covers: restoring it and then applying the
     * entries after {@code index} gives the state.
     */
    record IndexedSnapshot(long index, byte[] data) {
    }
}
