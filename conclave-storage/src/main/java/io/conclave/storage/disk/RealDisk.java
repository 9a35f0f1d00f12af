package io.conclave.storage.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A {@link Disk} over a directory of the real file system, through {@link FileChannel}: positional reads
 * and writes, {@code force(false)} (fdatasync) for {@link FileHandle#sync()}, and {@code force(true)} on
 * a channel opened on the directory for {@link #syncDir} (works on Linux). "No space left on device"
 * becomes a {@link DiskFullException}.
 */
public final class RealDisk implements Disk {

    private final Path root;

    public RealDisk(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        Files.createDirectories(this.root);
    }

    public Path root() {
        return root;
    }

    private Path resolve(String path) {
        DiskPaths.check(path);
        return path.isEmpty() ? root : root.resolve(path);
    }

    @Override
    public FileHandle open(String path, OpenMode mode) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.READ);
        if (mode.writable()) {
            options.add(StandardOpenOption.WRITE);
        }
        if (mode == OpenMode.CREATE) {
            options.add(StandardOpenOption.CREATE);
        } else if (mode == OpenMode.CREATE_NEW) {
            options.add(StandardOpenOption.CREATE_NEW);
        }
        return new RealFile(path, FileChannel.open(resolve(path), options));
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public List<String> list(String dir) throws IOException {
        Path d = resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(d)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    @Override
    public boolean delete(String path) throws IOException {
        try {
            return Files.deleteIfExists(resolve(path));
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("cannot delete non-empty directory " + path, e);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(resolve(from), resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void mkdirs(String dir) throws IOException {
        Files.createDirectories(resolve(dir));
    }

    @Override
    public void syncDir(String dir) throws IOException {
        try (FileChannel ch = FileChannel.open(resolve(dir), StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot sync missing directory " + dir, e);
        }
    }

    @Override
    public long usableBytes() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    @Override
    public String toString() {
        return "RealDisk[" + root + "]";
    }

    /** True when {@code e} is the operating system's ENOSPC. */
    static boolean isNoSpace(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("No space left on device");
    }

    private final class RealFile implements FileHandle {
        private final String path;
        private final FileChannel channel;

        RealFile(String path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public int read(long pos, byte[] dst, int off, int len) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(dst, off, len);
            int total = 0;
            while (b.hasRemaining()) {
                int n = channel.read(b, pos + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public void write(long pos, byte[] src, int off, int len) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(src, off, len);
            long p = pos;
            try {
                while (b.hasRemaining()) {
                    p += channel.write(b, p);
                }
            } catch (IOException e) {
                throw translate(e, b.remaining());
            }
        }

        @Override
        public long append(byte[] src, int off, int len) throws IOException {
            long pos = channel.size();
            write(pos, src, off, len);
            return pos;
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public void sync() throws IOException {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw translate(e, 0);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }

        private IOException translate(IOException e, long bytesWanted) {
            if (!isNoSpace(e)) {
                return e;
            }
            long free;
            try {
                free = usableBytes();
            } catch (IOException ignored) {
                free = -1;
            }
            DiskFullException full = new DiskFullException(path, bytesWanted, free);
            full.initCause(e);
            return full;
        }
    }
}
