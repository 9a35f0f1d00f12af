package io.conclave.storage.disk;

import java.io.IOException;
import java.util.List;

/**
 * A {@link Disk} that passes every call to another one; a wrapper overrides only what it changes
 * (timing syncs, dropping them as a planted bug). {@link #open} wraps each file with {@link #wrap},
 * whose default is the file itself; {@link ForwardingFile} does the same for a file's calls.
 */
public abstract class ForwardingDisk implements Disk {

    protected final Disk disk;

    protected ForwardingDisk(Disk disk) {
        this.disk = disk;
    }

    /** The handle {@link #open} returns for {@code file}, opened at {@code path}. */
    protected FileHandle wrap(String path, FileHandle file) {
        return file;
    }

    @Override
    public FileHandle open(String path, OpenMode mode) throws IOException {
        return wrap(path, disk.open(path, mode));
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

    /** A {@link FileHandle} that passes every call to another one. */
    public abstract static class ForwardingFile implements FileHandle {

        protected final FileHandle file;

        protected ForwardingFile(FileHandle file) {
            this.file = file;
        }

        @Override
        public String path() {
            return file.path();
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public int read(long pos, byte[] dst, int off, int len) throws IOException {
            return file.read(pos, dst, off, len);
        }

        @Override
        public void write(long pos, byte[] src, int off, int len) throws IOException {
            file.write(pos, src, off, len);
        }

        @Override
        public long append(byte[] src, int off, int len) throws IOException {
            return file.append(src, off, len);
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public void sync() throws IOException {
            file.sync();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
