package io.conclave.storage.segment;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;
import java.io.IOException;

/** A planted bug for the crash checks: a disk that silently drops file fsyncs, directory fsyncs, or both. */
final class DroppingDisk extends ForwardingDisk {

    private final boolean dropFileSyncs;
    private final boolean dropDirSyncs;

    DroppingDisk(Disk disk, boolean dropFileSyncs, boolean dropDirSyncs) {
        super(disk);
        this.dropFileSyncs = dropFileSyncs;
        this.dropDirSyncs = dropDirSyncs;
    }

    @Override
    protected FileHandle wrap(String path, FileHandle h) {
        return new ForwardingFile(h) {
            @Override
            public void sync() throws IOException {
                if (!dropFileSyncs) {
                    h.sync();
                }
            }
        };
    }

    @Override
    public void syncDir(String dir) throws IOException {
        if (!dropDirSyncs) {
            disk.syncDir(dir);
        }
    }
}
