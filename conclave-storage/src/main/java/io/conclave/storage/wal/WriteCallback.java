package io.conclave.storage.wal;

import java.io.IOException;

/** Told once whether a {@link WriteRequest} became durable. Called on the writer's thread. */
public interface WriteCallback {

    /** The request's records are in the WAL and fsynced. */
    void onDurable();

    /** The request was not persisted; {@code cause} says why (for example a full disk). */
    void onFailed(IOException cause);
}
