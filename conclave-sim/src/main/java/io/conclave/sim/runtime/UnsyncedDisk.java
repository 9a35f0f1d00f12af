package io.conclave.sim.runtime;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;

/**
 * The planted bug {@code drop-fsync} for runtime runs: the WAL's fsyncs (files under a {@code wal}
 * directory) return at once without making anything durable, so the WAL group commit acknowledges
 * batches that are not on the platter — a storage engine that acks before its fsync. Every other sync
 * (segments, snapshots, hard-state files, directories) stays honest. Data still reaches the platter
 * through the simulated disk's background writeback and later segment syncs, so much of it survives a
 * crash — which is exactly what makes the bug hard to see.
 */
final class UnsyncedDisk extends ForwardingDisk {

    UnsyncedDisk(Disk disk) {
        super(disk);
    }

    @Override
    protected FileHandle wrap(String path, FileHandle h) {
        if (!path.contains("/wal/") && !path.startsWith("wal/")) {
            return h;
        }
        return new ForwardingFile(h) {
            @Override
            public void sync() {
                // the planted bug: reports the WAL batch durable without asking the disk for it
            }
        };
    }
}
