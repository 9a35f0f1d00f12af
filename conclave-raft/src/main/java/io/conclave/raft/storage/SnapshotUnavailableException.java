package io.conclave.raft.storage;

/** The snapshot is being made; the core retries later. */
public final class SnapshotUnavailableException extends RuntimeException {

    public SnapshotUnavailableException() {
        super("snapshot temporarily unavailable", null, false, false);
    }
}
