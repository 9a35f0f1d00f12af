package io.conclave.partition.metadata;

/** The lifecycle of one partition, as the controller records it. */
public enum PartitionState {
    /** Serving: its replicas are the assigned ones and it takes writes. */
    ACTIVE,
    /** A replica is being moved: a learner is catching up before it replaces another. */
    MIGRATING,
    /** No live quorum of its replicas: it takes no writes until enough come back. */
    OFFLINE,
    /** Sealed for a split: its two children take over its hash range. */
    SPLITTING
}
