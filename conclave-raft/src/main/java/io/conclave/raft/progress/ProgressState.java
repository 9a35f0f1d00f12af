package io.conclave.raft.progress;

/** How the leader replicates to one follower. */
public enum ProgressState {
    /** Unsure where the follower's log matches: send one append at a time and wait for the answer. */
    PROBE,
    /** The follower is known to match: stream appends, up to the in-flight window. */
    REPLICATE,
    /** The follower needs entries we compacted: a snapshot is being sent in chunks; no appends. */
    SNAPSHOT
}
