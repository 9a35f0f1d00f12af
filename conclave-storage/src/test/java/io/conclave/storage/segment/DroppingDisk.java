package io.conclave.storage.segment;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.List;

/** A planted bug for the crash checks: a disk that silently drops file fsyncs, directory fsyncs, or both. */
final class DroppingDisk implements Disk {

    private final Disk disk;
    private final boolean dropFileSyncs;
    private final boolean dropDirSyncs;

    DroppingDisk(Disk disk, boolean dropFileSyncs, boolean dropDirSyncs) {
        this.disk = disk;
        this.dropFileSyncs = dropFileSyncs;
        this.dropDirSyncs = dropDirSyncs;
    }

    @Override
    public FileHandle open(String path, OpenMode mode) throws IOException {
        FileHandle h = disk.open(path, mode);
        return new FileHandle() {
            @Override
            public String path() {
                return h.path();
            }

            @Override
            public long size() throws IOException {
                return h.size();
            }

            @Override
            public int read(long pos, byte[] dst, int off, int len) throws IOException {
                return h.read(pos, dst, off, len);
            }

            @Override
            public void write(long pos, byte[] src, int off, int len) throws IOException {
                h.write(pos, src, off, len);
            }

            @Override
            public long append(byte[] src, int off, int len) throws IOException {
                return h.append(src, off, len);
            }

            @Override
            public void truncate(long size) throws IOException {
                h.truncate(size);
            }

            @Override
            public void sync() throws IOException {
                if (!dropFileSyncs) {
                    h.sync();
                }
            }

            @Override
            public void close() throws IOException {
                h.close();
            }
        };
    }

    @Override
    public boolean exists(String path) {
        return disk.exists(path);
    }

    @Override
    public List<String> list(String dir) throws IOException {
        return disk.list(dir);
    }

    @Override
    public boolean delete(String path) throws IOException {
        return disk.delete(path);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        disk.rename(from, to);
    }

    @Override
    public void mkdirs(String dir) throws IOException {
        disk.mkdirs(dir);
    }

    @Override
    public void syncDir(String dir) throws IOException {
        if (!dropDirSyncs) {
            disk.syncDir(dir);
        }
    }

    @Override
    public long usableBytes() throws IOException {
        return disk.usableBytes();
    }
}
