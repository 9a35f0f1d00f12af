package io.conclave.storage.segment;

import io.conclave.raft.Entry;
import io.conclave.raft.storage.LogCompactedException;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft group's log in segment files {@code <dir>/<baseIndex, 20 digits>.log}, each a
 * {@link SegmentHeader} followed by {@link RecordFormat CRC32C-framed records}, with a sparse offset index
 * ({@code .idx}) and a time index ({@code .tim}) per segment that are caches rebuilt on open.
 *
 * <p>Indexes: the log holds entries [{@link #firstIndex()}, {@link #lastIndex()}]; {@link #term} also
 * answers for {@code firstIndex() - 1}. An empty log has {@code firstIndex() == lastIndex() + 1}.
 *
 * <p>Durability: appends, truncations and segment creation become durable when {@link #sync()} returns
 * (it fsyncs the segments written since the last sync, then the directory if a segment was created or
 * deleted). A rolled segment is fsynced when it is sealed. {@link #reset} and the deletions of
 * {@link #compactPrefix}, {@link #applyRetention} and {@link #truncateSuffix} order their directory
 * changes with directory fsyncs so that any crash leaves a log that recovery accepts. Compaction is
 * logical until whole segments can be deleted: after a reopen {@link #firstIndex()} is the first
 * remaining segment's base and the caller compacts again to its snapshot. After {@link #open} the first
 * {@link #sync()} also fsyncs what a previous run may have left unsynced (the last segment, the directory).
 *
 * <p>Corruption: {@link #open} cuts a torn tail of the last segment; damage anywhere else, or found later
 * by a read (every read checks the CRC again), makes the log unavailable: reads and writes throw
 * {@link CorruptLogException}, index accessors {@link IllegalStateException}, until {@link #reset}
 * installs a snapshot. {@link #recovery()} tells what open found.
 *
 * <p>I/O errors: a failed append leaves a prefix of its entries and the log usable (a full disk is
 * expected); an I/O error inside {@link #sync()} (a failed fsync leaves the disk's state unknown),
 * a segment deletion or a reset makes the log unusable ({@link #failure()}) until it is reopened or reset.
 *
 * <p>Timestamps: each append carries one timestamp for its entries; stored timestamps are made
 * non-decreasing (a timestamp below the newest one is raised to it), so {@link #indexForTimestamp} is a
 * search.
 *
 * <p>Not thread-safe: one owner thread.
 */
public final class SegmentLog implements Closeable {

    private final Disk disk;
    private final String dir;
    private final SegmentConfig config;
    private final RecordCursor cursor;
    private final List<Segment> segments;
    private final TermRuns terms;
    private final RecoveryReport recovery;
    private long firstIndex;
    private long lastIndex;
    private long lastTimestampMs;
    private boolean dirDirty;
    private CorruptLogException corruption;
    /** Set when an I/O error struck in the middle of a structural change or a sync; see {@link #fail}. */
    private IOException failure;
    private boolean closed;
    /**
     * The chunk buffer {@link #chunkBuffer(int)} reuses: one per thread that appends (the storage
     * housekeeper, recovery), not one per log, so thousands of open logs do not each keep one.
     */
    private static final ThreadLocal<byte[]> CHUNK_BUFFER = ThreadLocal.withInitial(() -> new byte[0]);
    static final int CHUNK_BUFFER_KEEP_BYTES = 4 << 20;

    private SegmentLog(Disk disk, String dir, SegmentConfig config, RecordCursor cursor, SegmentRecovery r) {
        this.disk = disk;
        this.dir = dir;
        this.config = config;
        this.cursor = cursor;
        this.segments = r.segments;
        this.terms = r.terms;
        this.recovery = r.report();
        this.corruption = recovery.corruption();
        this.lastTimestampMs = r.lastTimestampMs;
        if (!segments.isEmpty()) {
            firstIndex = segments.get(0).baseIndex();
            lastIndex = last().lastIndex;
            // The previous run may have closed (or died) without syncing: its last segment's bytes and the
            // names of its newest segments may still be only in the page cache. Sealed segments were
            // fsynced when they were sealed.
            last().dirty = true;
            dirDirty = true;
        }
    }

    /**
     * Opens (creating if needed) the log in {@code dir} and recovers it; see {@link #recovery()}. A log
     * found corrupt opens unavailable rather than failing, so the caller can ask peers for a snapshot.
     */
    public static SegmentLog open(Disk disk, String dir, SegmentConfig config) throws IOException {
        RecordCursor cursor = new RecordCursor(config.readBufferBytes(), config.recordDataBytesMax());
        SegmentRecovery r = new SegmentRecovery(disk, dir, config, cursor);
        r.run();
        SegmentLog log = new SegmentLog(disk, dir, config, cursor, r);
        if (!r.corrupt() && log.segments.isEmpty()) {
            log.startSegment(new SegmentHeader(SegmentHeader.Kind.ROLL, 0, 1, 0));
            log.terms.reset(0, 0);
            log.firstIndex = 1;
            log.lastIndex = 0;
        }
        return log;
    }

    public RecoveryReport recovery() {
        return recovery;
    }

    /** Whether the log is corrupt and must be {@link #reset} from a peer's snapshot before use. */
    public boolean needsSnapshot() {
        return corruption != null;
    }

    /** Why the log is unavailable, or null. */
    public CorruptLogException corruption() {
        return corruption;
    }

    public String dir() {
        return dir;
    }

    public long firstIndex() {
        checkIndexable();
        return firstIndex;
    }

    public long lastIndex() {
        checkIndexable();
        return lastIndex;
    }

    /**
     * The term of entry {@code index}, for index in [firstIndex - 1, lastIndex].
     *
     * @throws LogCompactedException when index < firstIndex - 1
     * @throws IllegalArgumentException when index > lastIndex
     */
    public long term(long index) {
        checkIndexable();
        if (index < firstIndex - 1) {
            throw new LogCompactedException(index, firstIndex);
        }
        if (index > lastIndex) {
            throw new IllegalArgumentException("term of index " + index + " asked beyond last index " + lastIndex);
        }
        return terms.termAt(index);
    }

    /** The total size of the segment files (without the index caches). */
    public long sizeBytes() {
        long total = 0;
        for (Segment s : segments) {
            total += s.sizeBytes;
        }
        return total;
    }

    public int segmentCount() {
        return segments.size();
    }

    /**
     * Whether an index cache file could not be written (for example on a full disk). Reads stay right
     * (they use the in-memory indexes); the next open rebuilds the files. For metrics.
     */
    public boolean cachesStale() {
        for (Segment s : segments) {
            if (s.cachesStale) {
                return true;
            }
        }
        return false;
    }

    // ---- reads ---------------------------------------------------------------------------------

    /**
     * Entries [lo, hi), stopping before their total {@link Entry#sizeBytes()} would exceed {@code maxBytes}
     * but at least one when lo < hi. Every record's CRC is checked; a mismatch makes the log unavailable.
     *
     * @throws LogCompactedException when lo < firstIndex
     * @throws IllegalArgumentException when hi > lastIndex + 1
     */
    public List<Entry> read(long lo, long hi, long maxBytes) throws IOException {
        checkReadable();
        if (lo < firstIndex) {
            throw new LogCompactedException(lo, firstIndex);
        }
        if (hi > lastIndex + 1) {
            throw new IllegalArgumentException("read up to " + hi + " beyond last index " + lastIndex);
        }
        List<Entry> out = new ArrayList<>();
        long total = 0;
        int si = segmentFor(lo);
        Segment s = segments.get(si);
        long pos = s.scanStartFor(lo);
        cursor.target(s.log, s.sizeBytes);
        for (long next = lo; next < hi; ) {
            RecordCursor.Status st = cursor.readAt(pos);
            if (st == RecordCursor.Status.END) {
                s = segments.get(++si);
                pos = SegmentHeader.BYTES;
                cursor.target(s.log, s.sizeBytes);
                continue;
            }
            checkRecord(st, s, pos, next);
            if (cursor.index == next) {
                Entry e = cursor.entry();
                if (!out.isEmpty() && total + e.sizeBytes() > maxBytes) {
                    break;
                }
                out.add(e);
                total += e.sizeBytes();
                next++;
            }
            pos += cursor.frameBytes;
        }
        return out;
    }

    /**
     * The first index whose entry's timestamp is at or after {@code timestampMs}; {@code lastIndex() + 1}
     * when there is none.
     */
    public long indexForTimestamp(long timestampMs) throws IOException {
        checkReadable();
        for (Segment s : segments) {
            if (s.isEmpty() || s.lastTimestampMs < timestampMs || s.lastIndex < firstIndex) {
                continue;
            }
            int t = s.times.lowerA(timestampMs);
            long from = Math.max(firstIndex, t < 0 ? s.baseIndex() : s.times.b(t));
            long pos = s.scanStartFor(from);
            cursor.target(s.log, s.sizeBytes);
            for (long want = from; ; pos += cursor.frameBytes) {
                RecordCursor.Status st = cursor.readAt(pos);
                checkRecord(st, s, pos, want);
                if (cursor.index >= from) {
                    if (cursor.timestampMs >= timestampMs) {
                        return cursor.index;
                    }
                    want = cursor.index + 1;
                }
            }
        }
        return lastIndex + 1;
    }

    /** Fails the read (and the log) unless the cursor holds an intact record at or before {@code want}. */
    private void checkRecord(RecordCursor.Status st, Segment s, long pos, long want) throws CorruptLogException {
        String problem = null;
        if (st != RecordCursor.Status.OK) {
            problem = "record unreadable on read: " + st;
        } else if (cursor.index > want) {
            problem = "record has index " + cursor.index + " where " + want + " or lower was expected";
        }
        if (problem != null) {
            corruption = new CorruptLogException(s.logPath, pos, problem);
            throw corruption;
        }
    }

    private int segmentFor(long index) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).baseIndex() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    // ---- writes --------------------------------------------------------------------------------

    /** {@link #append(List, long, long)} with nothing protected. */
    public void append(List<Entry> entries, long timestampMs) throws IOException {
        append(entries, timestampMs, 0);
    }

    /**
     * Appends contiguous entries. When the first index is at or below {@link #lastIndex()} the conflicting
     * suffix is truncated first. On an I/O error (such as a full disk) the log holds a prefix of
     * {@code entries}; {@link #lastIndex()} says how many, and no partial record remains.
     *
     * @param timestampMs the time the entries were appended at, raised to the newest stored timestamp
     * @param protectedIndex no entry at or below this index (for example the commit index) may be
     *     truncated; an append that would is an {@link IllegalStateException}
     */
    public void append(List<Entry> entries, long timestampMs, long protectedIndex) throws IOException {
        checkWritable();
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        checkContiguous(entries);
        if (first > lastIndex + 1) {
            throw new IllegalArgumentException("append at index " + first + " leaves a gap after last index " + lastIndex);
        }
        if (first <= lastIndex) {
            if (first <= protectedIndex) {
                throw new IllegalStateException("append at index " + first + " would truncate protected entries up to "
                        + protectedIndex + " (last index " + lastIndex + ")");
            }
            truncateSuffix(first);
        }
        if (entries.get(0).term() < terms.termAt(first - 1)) {
            throw new IllegalArgumentException("entry " + first + " has term " + entries.get(0).term()
                    + " below the previous entry's term " + terms.termAt(first - 1));
        }
        long ts = Math.max(timestampMs, lastTimestampMs);
        int i = 0;
        while (i < entries.size()) {
            i = appendChunk(entries, i, ts);
        }
        lastTimestampMs = ts;
    }

    private static void checkContiguous(List<Entry> entries) {
        Entry prev = null;
        for (Entry e : entries) {
            if (prev != null && (e.index() != prev.index() + 1 || e.term() < prev.term())) {
                throw new IllegalArgumentException("entries not contiguous with non-decreasing terms: " + prev
                        + " then " + e);
            }
            prev = e;
        }
    }

    /**
     * A buffer of at least {@code bytes} for one chunk's frames: the kept one when it is large enough
     * (every byte of a frame is written, so nothing of an earlier chunk can leak), else a new one, kept
     * for next time up to {@link #CHUNK_BUFFER_KEEP_BYTES}. Materializing allocated a new buffer per
     * chunk, a fifth of a follower's allocation under produce load (JFR).
     */
    private static byte[] chunkBuffer(int bytes) {
        byte[] kept = CHUNK_BUFFER.get();
        if (kept.length >= bytes) {
            return kept;
        }
        byte[] b = new byte[bytes];
        if (bytes <= CHUNK_BUFFER_KEEP_BYTES) {
            CHUNK_BUFFER.set(b);
        }
        return b;
    }

    /** Writes entries from {@code from} that fit the last segment (rolling first if none fits); returns the next. */
    private int appendChunk(List<Entry> entries, int from, long ts) throws IOException {
        Segment s = last();
        if (!s.isEmpty() && s.sizeBytes + RecordFormat.frameBytes(entries.get(from)) > config.segmentBytesMax()) {
            roll();
            s = last();
        }
        long bytes = RecordFormat.frameBytes(entries.get(from));
        int to = from + 1;
        while (to < entries.size() && s.sizeBytes + bytes + RecordFormat.frameBytes(entries.get(to))
                <= config.segmentBytesMax()) {
            bytes += RecordFormat.frameBytes(entries.get(to));
            to++;
        }
        byte[] buf = chunkBuffer(Math.toIntExact(bytes));
        int p = 0;
        for (int k = from; k < to; k++) {
            p = RecordFormat.encode(entries.get(k), ts, buf, p);
        }
        long pos;
        s.dirty = true;
        try {
            pos = s.log.append(buf, 0, p);
        } catch (IOException e) {
            try {
                s.log.truncate(s.sizeBytes);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (pos != s.sizeBytes) {
            throw new IllegalStateException(s.logPath + " was written behind the log's back: size " + pos
                    + ", expected " + s.sizeBytes);
        }
        for (int k = from; k < to; k++) {
            Entry e = entries.get(k);
            int frame = RecordFormat.frameBytes(e);
            s.noteRecord(e.index(), e.term(), ts, pos, frame, config.indexIntervalBytes());
            terms.append(e.index(), e.term());
            pos += frame;
        }
        lastIndex = entries.get(to - 1).index();
        return to;
    }

    /** Seals the last segment (fsynced) and starts a new one after it. */
    private void roll() throws IOException {
        Segment s = last();
        try {
            s.seal();
        } catch (IOException e) {
            throw fail(e, "sealing " + s.logPath);
        }
        try {
            startSegment(new SegmentHeader(SegmentHeader.Kind.ROLL, s.header.epoch(), s.lastIndex + 1, s.lastTerm));
        } catch (IOException e) {
            s.openCaches(disk);
            throw e;
        }
    }

    private void startSegment(SegmentHeader header) throws IOException {
        Segment n = Segment.create(disk, dir, header);
        n.lastTimestampMs = Long.MIN_VALUE;
        segments.add(n);
        n.reconcileCaches(disk, true);
        dirDirty = true;
    }

    /**
     * Removes entries from {@code fromIndex} on. Not durable until {@link #sync()}, except that the
     * deletion of whole segments is made durable first.
     */
    public void truncateSuffix(long fromIndex) throws IOException {
        checkWritable();
        if (fromIndex > lastIndex) {
            return;
        }
        if (fromIndex < firstIndex) {
            throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": entries before first index "
                    + firstIndex + " are compacted");
        }
        // Until the first deletion or truncation nothing has changed: an I/O error there (a failed read
        // while locating the cut) leaves the log as it was and usable, and the caller may simply retry.
        boolean changed = false;
        try {
            while (segments.size() > 1 && last().baseIndex() >= fromIndex) {
                changed = true;
                deleteSegment(segments.size() - 1);
                disk.syncDir(dir);
            }
            Segment s = last();
            s.openCaches(disk);
            if (fromIndex > s.baseIndex()) {
                long pos = locate(s, fromIndex - 1);
                changed = true;
                s.truncate(fromIndex - 1, pos + cursor.frameBytes, cursor.term, cursor.timestampMs);
            } else {
                changed = true;
                s.truncate(s.baseIndex() - 1, SegmentHeader.BYTES, s.header.prevTerm(), Long.MIN_VALUE);
            }
        } catch (CorruptLogException e) {
            throw e;
        } catch (IOException e) {
            throw changed ? fail(e, "truncateSuffix(" + fromIndex + ")") : e;
        }
        lastIndex = fromIndex - 1;
        terms.truncateFrom(fromIndex);
    }

    /** The position of entry {@code index} of segment {@code s}; the cursor holds its record. */
    private long locate(Segment s, long index) throws IOException {
        long pos = s.scanStartFor(index);
        cursor.target(s.log, s.sizeBytes);
        while (true) {
            RecordCursor.Status st = cursor.readAt(pos);
            checkRecord(st, s, pos, index);
            if (cursor.index == index) {
                return pos;
            }
            pos += cursor.frameBytes;
        }
    }

    /**
     * Forgets entries up to {@code throughIndex} (covered by a snapshot): the first index becomes
     * {@code throughIndex + 1} and the segments that lie wholly at or below it are deleted, except the last.
     */
    public void compactPrefix(long throughIndex) throws IOException {
        checkWritable();
        if (throughIndex > lastIndex) {
            throw new IllegalArgumentException("cannot compact through " + throughIndex + " beyond last index "
                    + lastIndex + "; use reset to continue after a snapshot");
        }
        if (throughIndex < firstIndex) {
            return;
        }
        firstIndex = throughIndex + 1;
        terms.compactTo(throughIndex);
        try {
            while (segments.size() > 1 && segments.get(0).lastIndex <= throughIndex) {
                deleteSegment(0);
                disk.syncDir(dir);
            }
        } catch (IOException e) {
            throw fail(e, "compactPrefix(" + throughIndex + ")");
        }
    }

    /**
     * Drops every entry: the log continues after a snapshot at {@code snapshotIndex} in term
     * {@code snapshotTerm}. Durable when it returns. Also the way out of {@link #needsSnapshot()}.
     */
    public void reset(long snapshotIndex, long snapshotTerm) throws IOException {
        checkOpen();
        if (snapshotIndex < 0 || snapshotTerm < 0) {
            throw new IllegalArgumentException("bad snapshot position " + snapshotIndex + "/" + snapshotTerm);
        }
        for (Segment s : segments) {
            s.close();
        }
        segments.clear();
        try {
            segments.add(resetFiles(snapshotIndex + 1, snapshotTerm));
        } catch (IOException e) {
            throw fail(e, "reset(" + snapshotIndex + ", " + snapshotTerm + "); retry the reset");
        }
        dirDirty = true;
        terms.reset(snapshotIndex, snapshotTerm);
        firstIndex = snapshotIndex + 1;
        lastIndex = snapshotIndex;
        corruption = null;
        failure = null;
    }

    /**
     * Publishes a RESET segment at {@code base} with an epoch above every segment's (temp file, fsync,
     * rename, directory fsync), then deletes every other segment file; recovery drops lower epochs, so a
     * crash at any point leaves the old log or the new one. Works from the directory listing, so it also
     * replaces a log found corrupt; files with unreadable headers are deleted durably first, since their
     * epoch is unknown.
     */
    private Segment resetFiles(long base, long snapshotTerm) throws IOException {
        List<String> others = new ArrayList<>();
        long epoch = 0;
        byte[] b = new byte[SegmentHeader.BYTES];
        String[] why = new String[1];
        for (String file : disk.list(dir)) {
            if (!SegmentRecovery.LOG_NAME.matcher(file).matches()) {
                continue;
            }
            SegmentHeader h;
            try (FileHandle fh = disk.open(DiskPaths.join(dir, file), OpenMode.READ)) {
                h = SegmentHeader.decode(b, fh.read(0, b, 0, b.length), why);
            }
            if (h == null) {
                deleteFiles(file);
                disk.syncDir(dir);
            } else {
                epoch = Math.max(epoch, h.epoch());
                others.add(file);
            }
        }
        if (epoch == SegmentHeader.EPOCH_MAX) {
            throw new IllegalStateException("log " + dir + " has been reset " + epoch + " times; the epoch is exhausted");
        }
        SegmentHeader header = new SegmentHeader(SegmentHeader.Kind.RESET, epoch + 1, base, snapshotTerm);
        String tmp = DiskPaths.join(dir, "reset.tmp");
        try (FileHandle h = disk.open(tmp, OpenMode.CREATE)) {
            h.truncate(0);
            byte[] hb = header.encode();
            h.write(0, hb, 0, hb.length);
            h.sync();
        }
        String name = Segment.fileBase(base) + ".log";
        String path = DiskPaths.join(dir, name);
        disk.rename(tmp, path);
        disk.syncDir(dir);
        others.remove(name);
        for (String old : others) {
            deleteFiles(old);
        }
        Segment s = Segment.opened(header, dir, disk.open(path, OpenMode.READ_WRITE));
        s.sizeBytes = SegmentHeader.BYTES;
        s.reconcileCaches(disk, true);
        return s;
    }

    private void deleteFiles(String logName) throws IOException {
        String stem = DiskPaths.join(dir, logName.substring(0, 20));
        disk.delete(stem + ".log");
        disk.delete(stem + ".idx");
        disk.delete(stem + ".tim");
    }

    /**
     * Deletes, oldest first, whole segments that lie at or below {@code snapshotIndex} while the log
     * exceeds the {@link RetentionPolicy}'s size or a segment's newest entry is older than its age limit.
     * The last segment is never deleted.
     */
    public RetentionResult applyRetention(long nowMs, long snapshotIndex) throws IOException {
        checkWritable();
        RetentionPolicy policy = config.retention();
        List<String> deleted = new ArrayList<>();
        long total = sizeBytes();
        long bytesDeleted = 0;
        while (segments.size() > 1) {
            Segment s = segments.get(0);
            boolean tooBig = total > policy.bytesMax();
            boolean tooOld = !s.isEmpty() && nowMs - s.lastTimestampMs > policy.ageMsMax();
            if (s.lastIndex > snapshotIndex || !(tooBig || tooOld)) {
                break;
            }
            try {
                deleteSegment(0);
                disk.syncDir(dir);
            } catch (IOException e) {
                throw fail(e, "applyRetention");
            }
            total -= s.sizeBytes;
            bytesDeleted += s.sizeBytes;
            deleted.add(s.logPath);
            if (s.lastIndex >= firstIndex) {
                firstIndex = s.lastIndex + 1;
                terms.compactTo(s.lastIndex);
            }
        }
        return new RetentionResult(deleted, bytesDeleted, firstIndex);
    }

    private void deleteSegment(int i) throws IOException {
        segments.remove(i).delete(disk);
        dirDirty = true;
    }

    /** Makes everything appended and truncated so far durable. */
    public void sync() throws IOException {
        checkWritable();
        try {
            for (Segment s : segments) {
                s.sync();
            }
            if (dirDirty) {
                disk.syncDir(dir);
                dirDirty = false;
            }
        } catch (IOException e) {
            // After a failed fsync the kernel may have dropped the dirty pages: what is on disk is unknown
            // until the log is reopened and scanned (the lesson of PostgreSQL's "fsyncgate").
            throw fail(e, "sync");
        }
        last().flushCaches();
    }

    /** Makes the log unusable (every call but close and reset throws) and returns {@code e} to rethrow. */
    private IOException fail(IOException e, String op) {
        failure = new IOException("log " + dir + " is unusable after an I/O error in " + op + ": " + e.getMessage()
                + "; close and reopen it (recovery restores a consistent log)", e);
        return e;
    }

    /** The I/O error that made the log unusable, or null. */
    public IOException failure() {
        return failure;
    }

    /** Closes the files without syncing them. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (Segment s : segments) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Segment last() {
        return segments.get(segments.size() - 1);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("log " + dir + " is closed");
        }
    }

    private void checkIndexable() {
        checkOpen();
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        if (corruption != null) {
            throw new IllegalStateException("log " + dir + " is unavailable: " + corruption.getMessage(), corruption);
        }
    }

    private void checkReadable() throws IOException {
        checkOpen();
        if (failure != null) {
            throw failure;
        }
        if (corruption != null) {
            throw corruption;
        }
    }

    private void checkWritable() throws IOException {
        checkReadable();
    }

    @Override
    public String toString() {
        return "SegmentLog[" + dir + ", " + (corruption != null ? "CORRUPT" : firstIndex + ".." + lastIndex)
                + ", " + segments.size() + " segments]";
    }
}
