package io.conclave.storage.segment;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Opens a log directory: removes leftovers, drops segments superseded by a reset, scans every segment
 * (checking CRCs, index continuity and term order), cuts a torn tail off the last segment, reports damage
 * anywhere else, and rebuilds the index caches. Used once by {@link SegmentLog#open}.
 */
final class SegmentRecovery {

    static final Pattern LOG_NAME = Pattern.compile("\\d{20}\\.log");
    private static final Pattern CACHE_NAME = Pattern.compile("(\\d{20})\\.(idx|tim)");

    private final Disk disk;
    private final String dir;
    private final SegmentConfig config;
    private final RecordCursor cursor;
    final List<Segment> segments = new ArrayList<>();
    final TermRuns terms = new TermRuns();
    long lastTimestampMs = Long.MIN_VALUE;
    private RecoveryReport.TornTail torn;
    private CorruptLogException corruption;
    private final List<String> rebuilt = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();

    SegmentRecovery(Disk disk, String dir, SegmentConfig config, RecordCursor cursor) {
        this.disk = disk;
        this.dir = dir;
        this.config = config;
        this.cursor = cursor;
    }

    RecoveryReport report() {
        return new RecoveryReport(segments.size(), torn, corruption, rebuilt, removed);
    }

    boolean corrupt() {
        return corruption != null;
    }

    /** Runs recovery; on corruption the segments are closed and {@link #segments} is left empty. */
    void run() throws IOException {
        disk.mkdirsDurable(dir);
        List<String> logs = removeLeftovers();
        openHeaders(logs);
        if (corruption == null) {
            for (int i = 0; i < segments.size() && corruption == null; i++) {
                scan(i);
            }
        }
        if (corruption != null) {
            for (Segment s : segments) {
                s.log.close();
            }
            segments.clear();
            return;
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.reconcileCaches(disk, i == segments.size() - 1)) {
                rebuilt.add(s.logPath);
            }
        }
    }

    /** Deletes temporary files and orphan cache files; returns the segment file names, ascending. */
    private List<String> removeLeftovers() throws IOException {
        List<String> names = disk.list(dir);
        List<String> logs = new ArrayList<>();
        for (String name : names) {
            var cache = CACHE_NAME.matcher(name);
            if (LOG_NAME.matcher(name).matches()) {
                logs.add(name);
            } else if (name.endsWith(".tmp") || (cache.matches() && !names.contains(cache.group(1) + ".log"))) {
                disk.delete(DiskPaths.join(dir, name));
                removed.add(DiskPaths.join(dir, name));
            }
        }
        return logs;
    }

    /** A segment file whose header was read: {@code header} is null (with {@code why}) when it is not valid. */
    private record Opened(String path, FileHandle handle, SegmentHeader header, String why) {
    }

    /**
     * Reads every header, drops the segments of epochs below the highest (left by a reset that crashed
     * before deleting them), then keeps the valid rest; a bad header is a torn creation when it is the last
     * file and holds no record, else damage.
     */
    private void openHeaders(List<String> logs) throws IOException {
        List<Opened> opened = new ArrayList<>();
        byte[] b = new byte[SegmentHeader.BYTES];
        String[] why = new String[1];
        long epoch = 0;
        for (String name : logs) {
            String path = DiskPaths.join(dir, name);
            FileHandle h = disk.open(path, OpenMode.READ_WRITE);
            SegmentHeader header = SegmentHeader.decode(b, h.read(0, b, 0, b.length), why);
            String problem = why[0];
            if (header != null && header.baseIndex() != Long.parseLong(name.substring(0, 20))) {
                problem = "header base index " + header.baseIndex() + " does not match the file name";
                header = null;
            }
            if (header != null) {
                epoch = Math.max(epoch, header.epoch());
            }
            opened.add(new Opened(path, h, header, problem));
        }
        List<Opened> kept = new ArrayList<>();
        for (Opened o : opened) {
            if (o.header != null && o.header.epoch() < epoch) {
                o.handle.close();
                deleteSegmentFiles(o.path);
                removed.add(o.path + " (superseded by a reset to epoch " + epoch + ")");
            } else {
                kept.add(o);
            }
        }
        if (kept.size() < opened.size()) {
            disk.syncDir(dir);
        }
        for (int i = 0; i < kept.size(); i++) {
            Opened o = kept.get(i);
            if (o.header != null) {
                segments.add(Segment.opened(o.header, dir, o.handle));
            } else if (i == kept.size() - 1 && !holdsIntactRecord(o.handle)) {
                o.handle.close();
                deleteSegmentFiles(o.path);
                removed.add(o.path + " (" + o.why + ", no records: torn at creation)");
            } else {
                corruption = new CorruptLogException(o.path, 0, o.why);
                for (int j = i; j < kept.size(); j++) {
                    kept.get(j).handle.close();
                }
                return;
            }
        }
    }

    private boolean holdsIntactRecord(FileHandle h) throws IOException {
        cursor.target(h, h.size());
        return cursor.findIntactAfter(-1, -1, 0) >= 0;
    }

    private void deleteSegmentFiles(String logPath) throws IOException {
        String stem = logPath.substring(0, logPath.length() - ".log".length());
        disk.delete(logPath);
        disk.delete(stem + ".idx");
        disk.delete(stem + ".tim");
    }

    private void scan(int i) throws IOException {
        Segment s = segments.get(i);
        boolean last = i == segments.size() - 1;
        if (i == 0) {
            terms.reset(s.baseIndex() - 1, s.header.prevTerm());
        } else {
            Segment prev = segments.get(i - 1);
            if (s.baseIndex() != prev.lastIndex + 1 || s.header.prevTerm() != prev.lastTerm) {
                corruption = new CorruptLogException(s.logPath, 0, "segment starts at index " + s.baseIndex()
                        + " after term " + s.header.prevTerm() + " but " + prev.logPath + " ends at index "
                        + prev.lastIndex + " in term " + prev.lastTerm);
                return;
            }
        }
        long size = s.log.size();
        cursor.target(s.log, size);
        long pos = SegmentHeader.BYTES;
        s.sizeBytes = pos;
        while (true) {
            RecordCursor.Status st = cursor.readAt(pos);
            if (st == RecordCursor.Status.END) {
                return;
            }
            String problem = st == RecordCursor.Status.OK ? continuity(s) : describe(st);
            if (problem == null) {
                s.noteRecord(cursor.index, cursor.term, cursor.timestampMs, pos, cursor.frameBytes,
                        config.indexIntervalBytes());
                terms.append(cursor.index, cursor.term);
                lastTimestampMs = Math.max(lastTimestampMs, cursor.timestampMs);
                pos += cursor.frameBytes;
                continue;
            }
            if (last && st != RecordCursor.Status.OK && cursor.findIntactAfter(pos, s.lastIndex, s.lastTerm) < 0) {
                s.log.truncate(pos);
                s.log.sync();
                s.sizeBytes = pos;
                torn = new RecoveryReport.TornTail(s.logPath, pos, size - pos, problem);
            } else {
                corruption = new CorruptLogException(s.logPath, pos, problem);
            }
            return;
        }
    }

    /** Null when the intact record under the cursor continues segment {@code s}; else what is wrong. */
    private String continuity(Segment s) {
        if (cursor.index != s.lastIndex + 1) {
            return "record has index " + cursor.index + " where " + (s.lastIndex + 1) + " was expected";
        }
        if (cursor.term < s.lastTerm) {
            return "term goes backwards: entry " + cursor.index + " has term " + cursor.term + " after term "
                    + s.lastTerm;
        }
        return null;
    }

    private String describe(RecordCursor.Status st) {
        switch (st) {
            case TRUNCATED:
                return "record runs past the end of the file";
            case BAD_LENGTH:
                return "record length field is out of range";
            case BAD_CRC:
                return "record CRC32C mismatch";
            case BAD_TYPE:
                return "record has an unknown entry type";
            default:
                throw new IllegalStateException("not a problem: " + st);
        }
    }
}
