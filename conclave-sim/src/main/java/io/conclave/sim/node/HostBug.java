package io.conclave.sim.node;

/** Test-only bugs planted in the simulated host (or switched on in the core), to show the checks catch them. */
public enum HostBug {
    /** Acknowledge a put as soon as the leader has appended it, before a majority made it durable. */
    ACK_AT_APPEND,
    /** Serve a LINEARIZABLE read from the believed leader's local state, without ReadIndex. */
    READ_WITHOUT_READ_INDEX,
    /** The core skips the term check on votes ({@code PlantedBug.VOTE_IGNORES_TERM}). */
    VOTE_IGNORES_TERM,
    /** A leader that stepped down keeps answering reads from its (stale) local state. */
    DEPOSED_LEADER_READS,
    /** The storage layer reports fsyncs done without making anything durable. */
    DROP_FSYNC
}
