package io.conclave.raft;

/** What became of a read request; the answer itself arrives as a {@link ReadState} in a Ready. */
public enum ReadStatus {
    /** The leader took it; its ReadState follows once confirmed (at once for a valid lease). */
    ACCEPTED,
    /** A follower sent it to the leader; the ReadState follows when the leader answers. */
    FORWARDED,
    /** No leader is known; retry later. */
    NO_LEADER,
    /** Too many reads are waiting for confirmation; back off and retry. */
    BACK_PRESSURE
}
