package io.conclave.raft;

/** How a read request is made safe. */
public enum ReadMode {
    /** ReadIndex: the leader confirms with a heartbeat round to a quorum; safe under any clock skew. */
    READ_INDEX,
    /**
     * Lease: the leader answers alone while its lease holds. Safe only when real clock drift stays
     * within {@link RaftConfig#maxClockDrift()}; refused when lease reads are not enabled.
     */
    LEASE
}
