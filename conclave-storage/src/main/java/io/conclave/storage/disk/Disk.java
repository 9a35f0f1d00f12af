package io.conclave.storage.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory tree of files. Paths are {@code /}-separated and relative to the disk's root ({@code ""} is
 * the root; see {@link DiskPaths}). Implementations: {@link RealDisk} and {@link SimDisk}.
 *
 * <p>Durability rules (the POSIX ones, which both implementations follow): file contents are durable once
 * {@link FileHandle#sync()} returns; creating, renaming and deleting a file are durable once
 * {@link #syncDir} of its directory returns.
 */
public interface Disk {

    /** Opens a file, creating it if {@code mode} says so. */
    FileHandle open(String path, OpenMode mode) throws IOException;

    boolean exists(String path);

    /** The names (not paths) of the files and directories in {@code dir}, sorted; empty when it is missing. */
    List<String> list(String dir) throws IOException;

    /**
     * Deletes a file or an empty directory.
     *
     * @return false when there was nothing to delete
     */
    boolean delete(String path) throws IOException;

    /** Renames a file, atomically replacing {@code to} if it exists. */
    void rename(String from, String to) throws IOException;

    /** Creates a directory and any missing parents; no effect when it exists. */
    void mkdirs(String dir) throws IOException;

    /** Makes the creations, renames and deletions of entries in {@code dir} durable. */
    void syncDir(String dir) throws IOException;

    /**
     * Creates {@code dir} and any missing parents and makes them durable: each new directory's parent is
     * synced, top down. No effect when {@code dir} exists.
     */
    default void mkdirsDurable(String dir) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String d = DiskPaths.check(dir); !d.isEmpty() && !exists(d); d = DiskPaths.parent(d)) {
            missing.add(d);
        }
        if (missing.isEmpty()) {
            return;
        }
        mkdirs(dir);
        for (int i = missing.size() - 1; i >= 0; i--) {
            syncDir(DiskPaths.parent(missing.get(i)));
        }
    }

    /** The bytes a write can still use. */
    long usableBytes() throws IOException;
}
