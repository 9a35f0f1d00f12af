package io.conclave.sim.runtime;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.List;

/**
 * The planted bug {@code drop-fsync} for runtime runs: a disk whose file fsyncs return at once without
 * making anything durable (a storage engine that acknowledges before its fsync). Directory syncs stay
 * honest. Data still reaches the platter through the simulated disk's background writeback, so some
 * of it survives a crash — which is exactly what makes the bug hard to see.
 */
final class UnsyncedDisk implements Disk {

    private final Disk disk;

    UnsyncedDisk(Disk disk) {
        this.disk = disk;
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
            public void sync() {
                // the planted bug: reports durability without asking the disk for it
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
