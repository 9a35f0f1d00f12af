package io.conclave.multiraft.replica;

import io.conclave.raft.ConfState;
import io.conclave.raft.StateRole;

/**
 * One replica's state, as its loop saw it when asked.
 *
 * @param appliedIndex the index the state machine has applied up to
 * @param quiesced whether the group rests (no heartbeats, no ticks)
 * @param rejoining whether the replica is rejoining as a learner after possible data loss
 */
public record GroupStatus(long groupId, long nodeId, long incarnation, StateRole role, long leader, long term,
                          long commitIndex, long appliedIndex, long lastIndex, long snapshotIndex, long firstIndex,
                          ConfState confState, boolean quiesced, boolean rejoining,
                          boolean broken) {

    public boolean isLeader() {
        return role == StateRole.LEADER;
    }
}
