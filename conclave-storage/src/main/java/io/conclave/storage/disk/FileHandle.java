package io.conclave.storage.disk;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;

/**
 * An open file. Positions are byte offsets from the start of the file. A handle is used by one thread
 * at a time. Writes are not durable until {@link #sync()} returns; a new file's name is not durable until
 * the directory is synced ({@link Disk#syncDir}).
 */
public interface FileHandle extends Closeable {

    /** The path this handle was opened with, relative to the disk's root. */
    String path();

    long size() throws IOException;

    /**
     * Reads up to {@code len} bytes at {@code pos}; fewer only at the end of the file.
     *
     * @return the number of bytes read, 0 when {@code pos >= size()}
     */
    int read(long pos, byte[] dst, int off, int len) throws IOException;

    /** Reads exactly {@code len} bytes at {@code pos}, or throws {@link EOFException}. */
    default void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        int n = read(pos, dst, off, len);
        if (n != len) {
            throw new EOFException(path() + ": wanted " + len + " bytes at " + pos + ", file ends after " + n);
        }
    }

    /** Writes all of {@code len} bytes at {@code pos}, extending the file if needed. */
    void write(long pos, byte[] src, int off, int len) throws IOException;

    /**
     * Writes all of {@code len} bytes at the end of the file.
     *
     * @return the position the bytes were written at (the size before)
     */
    long append(byte[] src, int off, int len) throws IOException;

    /** Cuts the file to {@code size} bytes; no effect when it is already that short or shorter. */
    void truncate(long size) throws IOException;

    /** Makes every write and truncation so far durable (fdatasync). */
    void sync() throws IOException;

    @Override
    void close() throws IOException;
}
