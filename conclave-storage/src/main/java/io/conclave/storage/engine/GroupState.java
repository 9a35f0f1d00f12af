package io.conclave.storage.engine;

/**
 * The write lifecycle of one group's log. Transitions: WRITABLE → WRITES_BLOCKED when a batch with
 * its writes fails (a full disk); WRITES_BLOCKED → WRITABLE when a later write finds free space;
 * any → NEEDS_SNAPSHOT when recovery finds its log corrupt; NEEDS_SNAPSHOT → WRITABLE when a
 * snapshot is applied.
 */
public enum GroupState {
    /** Writes are accepted. */
    WRITABLE,
    /** A write failed for lack of space; writes answer RESOURCE_EXHAUSTED until space is found. Reads work. */
    WRITES_BLOCKED,
    /** The log is corrupt before its tail; it serves nothing and waits for a snapshot. */
    NEEDS_SNAPSHOT
}
