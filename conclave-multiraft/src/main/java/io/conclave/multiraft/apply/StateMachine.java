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
}
