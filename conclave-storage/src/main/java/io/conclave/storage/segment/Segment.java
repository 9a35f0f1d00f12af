package io.conclave.storage.segment;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.Arrays;

/**
 * One segment: its {@code .log} file (header and records), and its two cache files, {@code .idx} (offset
 * index) and {@code .tim} (time index), with their in-memory copies. Only the last segment of a log is
 * written; it keeps its cache files open, sealed segments only their {@code .log}.
 */
final class Segment {

    final SegmentHeader header;
    final String logPath;
    final String idxPath;
    final String timPath;
    final FileHandle log;
    private FileHandle idx;
    private FileHandle tim;
    final PairIndex offsets = new PairIndex();
    final PairIndex times = new PairIndex();
    private int offsetsWritten;
    private int timesWritten;
    long sizeBytes;
    long lastIndex;
    long lastTerm;
    /** The newest entry's timestamp, {@link Long#MIN_VALUE} while empty. */
    long lastTimestampMs = Long.MIN_VALUE;
    private long lastOffsetPairPos = SegmentHeader.BYTES;
    private long lastTimePairPos = SegmentHeader.BYTES;
    /** Whether the .log has writes or truncations not yet synced. */
    boolean dirty;
    /** Whether a cache file failed to be written; see {@link #markCachesStale()}. */
    boolean cachesStale;

    private Segment(SegmentHeader header, String dir, FileHandle log) {
        this.header = header;
        String base = fileBase(header.baseIndex());
        this.logPath = DiskPaths.join(dir, base + ".log");
        this.idxPath = DiskPaths.join(dir, base + ".idx");
        this.timPath = DiskPaths.join(dir, base + ".tim");
        this.log = log;
        this.lastIndex = header.baseIndex() - 1;
        this.lastTerm = header.prevTerm();
    }

    /** The 20-digit file name stem of a segment starting at {@code baseIndex}. */
    static String fileBase(long baseIndex) {
        String s = Long.toString(baseIndex);
        return "0".repeat(20 - s.length()) + s;
    }

    /**
     * Creates a segment file under its final name holding only its header, fsynced (so that no later
     * directory sync can make the name durable without the header); the name itself is not yet durable.
     */
    static Segment create(Disk disk, String dir, SegmentHeader header) throws IOException {
        String path = DiskPaths.join(dir, fileBase(header.baseIndex()) + ".log");
        FileHandle log = disk.open(path, OpenMode.CREATE);
        try {
            log.truncate(0);
            byte[] h = header.encode();
            log.append(h, 0, h.length);
            log.sync();
        } catch (IOException e) {
            log.close();
            disk.delete(path);
            throw e;
        }
        Segment s = new Segment(header, dir, log);
        s.sizeBytes = SegmentHeader.BYTES;
        return s;
    }

    /** A segment opened for recovery; its state is filled in by the scan. */
    static Segment opened(SegmentHeader header, String dir, FileHandle log) {
        return new Segment(header, dir, log);
    }

    long baseIndex() {
        return header.baseIndex();
    }

    boolean isEmpty() {
        return lastIndex < header.baseIndex();
    }

    /**
     * Records that a record of entry {@code index} was written at {@code pos}; adds index pairs when
     * their spacing is reached.
     */
    void noteRecord(long index, long term, long timestampMs, long pos, int frameBytes, int intervalBytes) {
        if (pos - lastOffsetPairPos >= intervalBytes) {
            offsets.add(index, pos);
            lastOffsetPairPos = pos;
        }
        if (times.count() == 0 || (timestampMs > times.a(times.count() - 1) && pos - lastTimePairPos >= intervalBytes)) {
            times.add(timestampMs, index);
            lastTimePairPos = pos;
        }
        lastIndex = index;
        lastTerm = term;
        lastTimestampMs = timestampMs;
        sizeBytes = pos + frameBytes;
    }

    /** The position to start scanning from to find {@code index}. */
    long scanStartFor(long index) {
        int i = offsets.floorA(index);
        return i < 0 ? SegmentHeader.BYTES : offsets.b(i);
    }

    /** Opens the cache files for writing (this is now the log's last segment). */
    void openCaches(Disk disk) {
        if (idx != null || cachesStale) {
            return;
        }
        try {
            idx = disk.open(idxPath, OpenMode.CREATE);
            tim = disk.open(timPath, OpenMode.CREATE);
        } catch (IOException e) {
            markCachesStale();
        }
    }

    /** Appends the index pairs not yet in the cache files. */
    void flushCaches() {
        if (idx == null) {
            return;
        }
        try {
            if (offsetsWritten < offsets.count()) {
                byte[] b = offsets.encode(offsetsWritten);
                idx.write((long) offsetsWritten * PairIndex.PAIR_BYTES, b, 0, b.length);
                offsetsWritten = offsets.count();
            }
            if (timesWritten < times.count()) {
                byte[] b = times.encode(timesWritten);
                tim.write((long) timesWritten * PairIndex.PAIR_BYTES, b, 0, b.length);
                timesWritten = times.count();
            }
        } catch (IOException e) {
            markCachesStale();
        }
    }

    /**
     * Makes the cache files equal to the in-memory indexes (rebuilt by a scan).
     *
     * @return true when a file was missing or differed and was rewritten (or could not be)
     */
    boolean reconcileCaches(Disk disk, boolean keepOpen) {
        boolean rewrote;
        try {
            rewrote = reconcile(disk, idxPath, offsets.encode(0));
            rewrote |= reconcile(disk, timPath, times.encode(0));
        } catch (IOException e) {
            markCachesStale();
            return true;
        }
        offsetsWritten = offsets.count();
        timesWritten = times.count();
        if (keepOpen) {
            openCaches(disk);
        }
        return rewrote;
    }

    /**
     * A cache file could not be written (a full disk, say): the caches are left alone from now on and
     * rebuilt by the next open. The in-memory indexes, which reads use, stay right.
     */
    private void markCachesStale() {
        cachesStale = true;
        try {
            closeCaches();
        } catch (IOException ignored) {
            idx = null;
            tim = null;
        }
    }

    private static boolean reconcile(Disk disk, String path, byte[] want) throws IOException {
        try (FileHandle h = disk.open(path, OpenMode.CREATE)) {
            long size = h.size();
            if (size == want.length) {
                byte[] have = new byte[want.length];
                h.readFully(0, have, 0, have.length);
                if (Arrays.equals(have, want)) {
                    return false;
                }
            }
            h.truncate(0);
            h.write(0, want, 0, want.length);
            return true;
        }
    }

    /**
     * Cuts the segment so that its last entry is {@code newLastIndex} (its record ending at
     * {@code cutPos}, with {@code newLastTerm} and {@code newLastTimestampMs}).
     */
    void truncate(long newLastIndex, long cutPos, long newLastTerm, long newLastTimestampMs) throws IOException {
        log.truncate(cutPos);
        dirty = true;
        sizeBytes = cutPos;
        lastIndex = newLastIndex;
        lastTerm = newLastTerm;
        lastTimestampMs = newLastTimestampMs;
        offsets.truncateA(newLastIndex + 1);
        times.truncateB(newLastIndex + 1);
        lastOffsetPairPos = offsets.count() == 0 ? SegmentHeader.BYTES : offsets.b(offsets.count() - 1);
        lastTimePairPos = cutPos;
        offsetsWritten = Math.min(offsetsWritten, offsets.count());
        timesWritten = Math.min(timesWritten, times.count());
        if (idx != null) {
            try {
                idx.truncate((long) offsetsWritten * PairIndex.PAIR_BYTES);
                tim.truncate((long) timesWritten * PairIndex.PAIR_BYTES);
            } catch (IOException e) {
                markCachesStale();
            }
        }
    }

    void sync() throws IOException {
        if (dirty) {
            log.sync();
            dirty = false;
        }
    }

    /** Syncs the log and closes the cache files: the segment is sealed. */
    void seal() throws IOException {
        flushCaches();
        sync();
        closeCaches();
    }

    private void closeCaches() throws IOException {
        if (idx != null) {
            idx.close();
            tim.close();
            idx = null;
            tim = null;
        }
    }

    void close() throws IOException {
        try {
            flushCaches();
        } finally {
            closeCaches();
            log.close();
        }
    }

    /** Closes and deletes the segment's files (not synced: the caller syncs the directory). */
    void delete(Disk disk) throws IOException {
        closeCaches();
        log.close();
        disk.delete(logPath);
        disk.delete(idxPath);
        disk.delete(timPath);
    }

    @Override
    public String toString() {
        return logPath + "[" + header.baseIndex() + ".." + lastIndex + ", " + sizeBytes + "B]";
    }
}
