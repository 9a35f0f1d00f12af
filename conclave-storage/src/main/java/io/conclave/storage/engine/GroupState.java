package io.conclave.storage.engine;

/**
 * The write lifecycle of one group's log. Transitions: WRITABLE → WRITES_BLOCKED when a batch with
 * its writes fails (a full disk); WRITES_BLOCKED → WRITABLE when a later write finds free space;
 * any → NEEDS_SNAPSHOT when recovery finds its log corrupt; NEEDS_SNAPSHOT → WRITABLE when a
 * snapshot is applied or entries that follow the last snapshot are written.
 */
public enum GroupState {
    /** Writes are accepted. */
    WRITABLE,
    /** A write failed for lack of space; writes answer RESOURCE_EXHAUSTED until space is found. Reads work. */
    WRITES_BLOCKED,
    /**
     * Recovery found the log corrupt before its tail: it serves nothing after the last snapshot and
     * restarts there — it takes a snapshot, or entries that follow the last snapshot. Term and vote
     * are kept; entries it had may have been acknowledged, so its replica must not vote until it has
     * caught up again.
     */
    NEEDS_SNAPSHOT
}
