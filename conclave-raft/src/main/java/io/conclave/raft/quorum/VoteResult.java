package io.conclave.raft.quorum;

/** The state of a vote count. */
public enum VoteResult {
    /** Neither won nor lost yet: some voters have not answered. */
    PENDING,
    /** Enough voters refused that winning is impossible. */
    LOST,
    /** A quorum granted. */
    WON
}
