package io.conclave.raft;

/**
 * The outcome of a proposal. Expected conditions are values, not exceptions.
 *
 * @param status what happened
 * @param term the leader's term the entries were appended in (ACCEPTED), else 0
 * @param firstIndex the index given to the first proposed entry (ACCEPTED), else 0
 * @param lastIndex the index given to the last proposed entry (ACCEPTED), else 0
 * @param leaderHint the leader this node knows of, or 0 (useful with NOT_LEADER)
 */
public record ProposeResult(Status status, long term, long firstIndex, long lastIndex, long leaderHint) {

    /** Why a proposal was or was not taken. */
    public enum Status {
        /** Appended to the leader's log; it commits once a quorum has it. */
        ACCEPTED,
        /** This node is a follower and sent the proposal to the leader (forwarding on). */
        FORWARDED,
        /** This node is not the leader; retry against {@code leaderHint}. */
        NOT_LEADER,
        /** The leader is handing leadership over; retry shortly against the new leader. */
        TRANSFERRING,
        /** Too many uncommitted bytes are outstanding; back off and retry. */
        BACK_PRESSURE,
        /** A membership change is already pending; wait until it is applied. */
        CONF_CHANGE_PENDING,
        /** The proposal is malformed or invalid for this group (see the host's log). */
        INVALID
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    static ProposeResult rejected(Status status, long leaderHint) {
        return new ProposeResult(status, 0, 0, 0, leaderHint);
    }
}
