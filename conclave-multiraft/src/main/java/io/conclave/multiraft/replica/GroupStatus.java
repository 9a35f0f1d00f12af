package io.conclave.multiraft.replica;

import io.conclave.raft.ConfState;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.StateRole;

/**
 * One replica's state, as its loop saw it when asked.
 *
 * @param appliedIndex the index the state machine has applied up to
 * @param quiesced whether the group rests (no heartbeats, no ticks)
 * @param rejoining whether the replica is rejoining as a learner after possible data loss
 * @param durableCommitIndex the highest commit index the storage confirmed durable (a hard state's, or a
 *        stored snapshot's index): a restart applies at least up to it; may lag {@code commitIndex}
 * @param membershipIndex the index the membership in {@code confState} took effect at (the snapshot's
 *        index when no change was applied since the replica started)
 */
public record GroupStatus(long groupId, long nodeId, long incarnation, StateRole role, long leader, long term,
                          long commitIndex, long appliedIndex, long lastIndex, long snapshotIndex, long firstIndex,
                          ConfState confState, boolean quiesced, boolean rejoining,
                          boolean broken, long durableCommitIndex, long membershipIndex) {

    public boolean isLeader() {
        return role == StateRole.LEADER;
    }

    /** A replica's status and its core's (per-peer progress when it leads), read in one turn of its loop. */
    public record WithProgress(GroupStatus group, RaftStatus core) {
    }
}
