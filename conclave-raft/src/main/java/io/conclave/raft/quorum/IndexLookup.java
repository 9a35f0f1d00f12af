package io.conclave.raft.quorum;

/** Looks up a per-voter value (a match index, an acknowledged round); absent voters count as 0. */
@FunctionalInterface
public interface IndexLookup {
    long indexOf(long voter);
}
