package io.conclave.storage.engine;

/** Told when a group holds WAL reclamation back for too long; the runtime should snapshot and compact it. */
@FunctionalInterface
public interface SnapshotRequestListener {

    /** Called on the engine's agent thread; must not block. */
    void onSnapshotRequested(long groupId);
}
