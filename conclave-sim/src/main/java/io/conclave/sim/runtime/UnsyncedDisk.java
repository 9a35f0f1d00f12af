package io.conclave.sim.runtime;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.List;

/**
 * The planted bug {@code drop-fsync} for runtime runs: the WAL's fsyncs (files under a {@code wal}
 * directory) return at once without making anything durable, so the WAL group commit acknowledges
 * batches that are not on the platter — a storage engine that acks before its fsync. Every other sync
 * (segments, snapshots, hard-state files, directories) stays honest. Data still reaches the platter
 * through the simulated disk's background writeback and later segment syncs, so much of it survives a
 * crash — which is exactly what makes the bug hard to see.
 */
final class UnsyncedDisk implements Disk {

    private final Disk disk;

    UnsyncedDisk(Disk disk) {
        this.disk = disk;
    }

    @Override
    public FileHandle open(String path, OpenMode mode) throws IOException {
        FileHandle h = disk.open(path, mode);
        if (!path.contains("/wal/") && !path.startsWith("wal/")) {
            return h;
        }
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
            public void sync() {
                // the planted bug: reports the WAL batch durable without asking the disk for it
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
        disk.syncDir(dir);
    }

    @Override
    public long usableBytes() throws IOException {
        return disk.usableBytes();
    }
}
