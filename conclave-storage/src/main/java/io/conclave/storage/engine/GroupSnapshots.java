package io.conclave.storage.engine;

import io.conclave.raft.Snapshot;
import java.io.IOException;

/**
 * Where a {@link GroupLog} keeps its latest snapshot: replaced atomically and durable when
 * {@link #save} returns. The production implementation adapts {@code storage.state.SnapshotStore}.
 */
interface GroupSnapshots {

    /** The latest saved snapshot, or {@link Snapshot#EMPTY}. */
    Snapshot load() throws IOException;

    void save(Snapshot snapshot) throws IOException;

    /** Whether the last {@link #load} skipped a damaged snapshot newer than the one it returned. */
    boolean lastLoadSkippedDamaged();
}
