package io.conclave.raft.quorum;

/** Looks up a voter's answer: 1 granted, 0 refused, -1 not answered. */
@FunctionalInterface
public interface VoteLookup {
    int voteOf(long voter);
}
