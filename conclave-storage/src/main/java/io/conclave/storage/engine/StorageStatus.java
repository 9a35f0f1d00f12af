package io.conclave.storage.engine;

/** The answer of a write call: accepted, or why not and what to do. */
public enum StorageStatus {
    /** Accepted; the callback will say when it is durable (or that it failed). */
    OK,
    /** The WAL queue is full: back-pressure, nothing was accepted; retry soon. */
    QUEUE_FULL,
    /**
     * The group's writes are blocked because the disk was full; nothing was accepted. Retriable:
     * the next attempt probes for free space and writes resume by themselves once there is some.
     */
    RESOURCE_EXHAUSTED,
    /** The engine is closed. */
    CLOSED;

    public boolean isRetriable() {
        return this == QUEUE_FULL || this == RESOURCE_EXHAUSTED;
    }
}
