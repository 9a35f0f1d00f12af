package io.conclave.raft;

/**
 * Deliberate bugs that tests switch on to prove that the simulator's checkers catch them. Inert
 * unless passed explicitly to {@link RaftNode}'s test constructor; production code never does.
 */
public enum PlantedBug {
    /** A voter grants its vote without checking that it has not already voted in the term. */
    VOTE_IGNORES_TERM,
    /** A leader counts entries of earlier terms towards commitment (the Figure 8 mistake). */
    COMMIT_PREVIOUS_TERM_BY_COUNTING,
    /** A leader answers ReadIndex requests at once, without confirming its leadership with a quorum. */
    READ_INDEX_WITHOUT_QUORUM
}
