package io.conclave.storage.engine;

import io.conclave.raft.Snapshot;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.state.SnapshotStore;
import java.io.IOException;

/**
 * {@link GroupSnapshots} on a {@link SnapshotStore} (atomic replace, CRC-checked, the last two
 * kept so that one damaged file is survivable).
 */
final class StoreSnapshots implements GroupSnapshots {

    private static final int SNAPSHOTS_KEPT = 2;

    private final SnapshotStore store;
    private boolean lastLoadSkippedDamaged;

    private StoreSnapshots(SnapshotStore store) {
        this.store = store;
    }

    static StoreSnapshots open(Disk disk, String dir) {
        return new StoreSnapshots(new SnapshotStore(disk, dir, SNAPSHOTS_KEPT));
    }

    @Override
    public Snapshot load() throws IOException {
        SnapshotStore.Loaded loaded = store.latest();
        lastLoadSkippedDamaged = !loaded.skipped().isEmpty();
        return loaded.snapshot();
    }

    @Override
    public boolean lastLoadSkippedDamaged() {
        return lastLoadSkippedDamaged;
    }

    @Override
    public void save(Snapshot snapshot) throws IOException {
        store.save(snapshot);
    }
}
