package io.conclave.storage.wal;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The next WAL files, made ahead of need ({@link WalConfig#preallocate()}). A spare is a file under a
 * temporary name ({@code spare-<n>.tmp}, which replay never reads) that begins with a
 * {@link WalRecordKind#PREALLOCATED} frame and is at least {@link WalConfig#fileBytesTarget()} long, all
 * of it written and synced. It comes from one of two places:
 * <ul>
 *   <li><b>recycled</b> ({@link #recycle}): a reclaimed WAL file that began with the marker is renamed to
 *       a spare name (the rename synced before it is published) instead of being deleted. Its old frames
 *       stay: they carry their old file number, and replay tells them from the records of the file's new
 *       life by it ({@link WalFrame}, {@link WalReader});</li>
 *   <li><b>zero-filled</b> ({@link #step}): when no spare is ready, a new file is begun with the marker and
 *       zero-filled one chunk per step, then synced.</li>
 * </ul>
 * The WAL writer {@link #take}s the oldest ready spare when it starts a file, renames it to that file's
 * number and writes its records at the marker's end: blocks already written, in a file whose size does
 * not change, so an fdatasync has only data to flush and no size to journal. Recycling also spares the
 * device the zeros: under load a zero-filled spare doubles the bytes the WAL writes.
 *
 * <p>{@link #step} and {@link #recycle} belong to the storage housekeeper's thread; {@link #take} to the
 * WAL writer's. A spare is published only once complete and synced; the writer never touches a file the
 * housekeeper still works on.
 */
final class WalSpare {

    static final String PREFIX = "spare-";
    static final String SUFFIX = ".tmp";
    /** Zeros written per {@link #step}: bounds how long one housekeeping step takes. */
    static final int CHUNK_BYTES = 1 << 20;
    /** After a failure (a full disk) the next attempt waits this long. */
    static final long RETRY_AFTER_FAILURE_MS = 10_000;
    /**
     * A spare is begun only with this many times its length free: zeros must never take the last
     * space that the WAL's own records need (a write failing for want of space fails a batch).
     */
    static final int FREE_SPACE_FACTOR = 2;
    /** The marker frame at offset 0: where a preallocated file's first record starts. */
    static final int MARKER_BYTES = WalFrame.frameBytes(Long.BYTES);

    private final Disk disk;
    private final String dir;
    private final long capacityBytes;
    /** Never written: the zeros every fill writes from. */
    private static final byte[] ZEROS = new byte[CHUNK_BYTES];

    // housekeeper's thread only
    private FileHandle preparing;
    private String preparingPath;
    private long filledBytes;
    private long nextNumber = 1;
    private long retryAtMs = Long.MIN_VALUE;

    /** Spares kept ready at most: a reclaimed file beyond them is deleted. */
    static final int READY_MAX = 2;

    /** Complete, synced spares waiting for the writer, oldest first. */
    private final ConcurrentLinkedDeque<String> ready = new ConcurrentLinkedDeque<>();
    private volatile long prepared;
    private volatile long recycled;
    private volatile long failures;

    WalSpare(Disk disk, String dir, long capacityBytes) {
        this.disk = disk;
        this.dir = dir;
        this.capacityBytes = capacityBytes;
    }

    /** Writes zeros over {@code [from, to)} of {@code f} (not synced): a spare's fill, or a cut that keeps a file's blocks. */
    static void zero(FileHandle f, long from, long to) throws IOException {
        for (long pos = from; pos < to; pos += CHUNK_BYTES) {
            f.write(pos, ZEROS, 0, (int) Math.min(CHUNK_BYTES, to - pos));
        }
    }

    /** Deletes the spares an earlier run left behind: a half-made one cannot be told from a whole one. */
    static void deleteLeftovers(Disk disk, String dir) throws IOException {
        boolean any = false;
        for (String name : disk.list(dir)) {
            if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                disk.delete(DiskPaths.join(dir, name));
                any = true;
            }
        }
        if (any) {
            disk.syncDir(dir);
        }
    }

    /** The frame a preallocated file begins with. */
    static byte[] marker(long capacityBytes) {
        ByteBuffer b = ByteBuffer.allocate(MARKER_BYTES);
        int start = WalFrame.begin(b, 0, WalRecordKind.PREALLOCATED);
        b.putLong(capacityBytes);
        WalFrame.end(b, start);
        return b.array();
    }

    /** Whether a {@link #step} has work: no spare is ready and no failure is being waited out. */
    boolean wanted(long nowMs) {
        return ready.isEmpty() && nowMs >= retryAtMs;
    }

    /**
     * Keeps the reclaimed WAL file {@code path} as a spare when fewer than {@link #READY_MAX} are ready and
     * the disk has room to spare (housekeeper's thread). The file must begin with the marker and be at
     * least {@code capacityBytes} long; its old frames stay. The rename is synced before the spare is
     * published: were it lost in a crash after the writer began overwriting the file, replay would read
     * the file under its old number. A spare being zero-filled is dropped for it.
     *
     * @return true when the file became a spare; false when the caller should delete it
     */
    boolean recycle(String path, long fileBytes) {
        if (ready.size() >= READY_MAX || fileBytes < capacityBytes) {
            return false;
        }
        String to = DiskPaths.join(dir, String.format("%s%020d%s", PREFIX, nextNumber++, SUFFIX));
        try {
            if (disk.usableBytes() < FREE_SPACE_FACTOR * capacityBytes) {
                return false;
            }
            disk.rename(path, to);
        } catch (IOException e) {
            return false;
        }
        try {
            disk.syncDir(dir);
        } catch (IOException e) {
            failures++;
            try {
                disk.delete(to);
            } catch (IOException ignored) {
                // a leftover spare is deleted at the next open
            }
            return true;
        }
        if (preparing != null) {
            abandon();
        }
        recycled++;
        ready.addLast(to);
        return true;
    }

    /**
     * Makes progress on the next spare (housekeeper's thread): creates it, or zero-fills one more chunk,
     * or syncs and publishes it. A failure deletes what was made and waits {@link #RETRY_AFTER_FAILURE_MS}.
     *
     * @return 1 when it did something, 0 when there was nothing to do
     */
    int step(long nowMs) {
        if (!wanted(nowMs)) {
            return 0;
        }
        try {
            if (preparing == null) {
                begin();
            } else if (filledBytes < capacityBytes) {
                long to = Math.min(filledBytes + CHUNK_BYTES, capacityBytes);
                zero(preparing, filledBytes, to);
                filledBytes = to;
            } else {
                preparing.sync();
                preparing.close();
                preparing = null;
                prepared++;
                ready.addLast(preparingPath);
                preparingPath = null;
            }
        } catch (IOException e) {
            failures++;
            retryAtMs = nowMs + RETRY_AFTER_FAILURE_MS;
            abandon();
        }
        return 1;
    }

    private void begin() throws IOException {
        String path = DiskPaths.join(dir, String.format("%s%020d%s", PREFIX, nextNumber++, SUFFIX));
        long free = disk.usableBytes();
        if (free < FREE_SPACE_FACTOR * capacityBytes) {
            throw new DiskFullException(path, FREE_SPACE_FACTOR * capacityBytes, free);
        }
        preparingPath = path;
        preparing = disk.open(preparingPath, OpenMode.CREATE_NEW);
        byte[] m = marker(capacityBytes);
        preparing.write(0, m, 0, m.length);
        filledBytes = m.length;
    }

    /** Closes and deletes a spare in the making, as far as the disk allows. */
    private void abandon() {
        FileHandle f = preparing;
        preparing = null;
        if (preparingPath == null) {
            return;
        }
        try {
            if (f != null) {
                f.close();
            }
            disk.delete(preparingPath);
        } catch (IOException ignored) {
            // a leftover spare is deleted at the next open
        }
        preparingPath = null;
    }

    /** Whether a spare is ready to be taken. */
    boolean isReady() {
        return !ready.isEmpty();
    }

    /** The oldest ready spare's path, handed over once (writer's thread); null when none is ready. */
    String take() {
        return ready.pollFirst();
    }

    /** Spares zero-filled so far. */
    long prepared() {
        return prepared;
    }

    /** Reclaimed files kept as spares so far. */
    long recycled() {
        return recycled;
    }

    /** Attempts that failed (a full disk, an I/O error). */
    long failures() {
        return failures;
    }

    /** Drops a spare in the making (once the housekeeper has stopped); ready ones stay for the next open to delete. */
    void close() {
        if (preparing != null) {
            abandon();
        }
    }
}
