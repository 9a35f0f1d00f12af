package io.conclave.storage.wal;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replays WAL files at open. Records are fed to the visitor oldest first; the first frame that does
 * not decode ends the WAL: that file is cut there (truncated, or zeroed to its end when preallocated;
 * then fsynced) and any later file is deleted, so a torn or corrupt tail is never served and the next
 * append never follows garbage. What follows a preallocated file's last record — its zeros, or the
 * frames a recycled file's earlier life left — is its clean end, unless a frame of the file's own
 * number lies there (see {@link #scan}).
 *
 * <p>A bad frame in the newest file is the normal trace of a crash during a write (nothing in it
 * was acknowledged, since acknowledgement waits for the fsync). A bad frame followed by later files
 * means durable data was damaged; the groups found in those later files are listed in the
 * {@link Report} so the engine can mark them as needing a snapshot.
 */
public final class WalReader {

    /** Receives replayed records. */
    @FunctionalInterface
    public interface Visitor {
        void visit(WalRecord record);
    }

    /** What a replay found. */
    public static final class Report {
        public int filesReplayed;
        public long recordsReplayed;
        /** The file where the valid data ended early, or -1. */
        public long cutFileSeq = -1;
        public long cutOffset;
        public long cutBytes;
        public String cutReason;
        public int filesDropped;
        /** Groups with records in files dropped after a mid-WAL corruption. */
        public final Set<Long> groupsAfterCorruption = new TreeSet<>();

        @Override
        public String toString() {
            return "WAL replay: " + filesReplayed + " files, " + recordsReplayed + " records"
                    + (cutFileSeq < 0 ? "" : "; cut " + cutBytes + " bytes of file " + cutFileSeq + " at "
                    + cutOffset + " (" + cutReason + ")")
                    + (filesDropped == 0 ? "" : "; dropped " + filesDropped + " later files, groups "
                    + groupsAfterCorruption);
        }
    }

    private final Disk disk;
    private final String dir;
    private final int recordBytesMax;

    WalReader(Disk disk, String dir, int recordBytesMax) {
        this.disk = disk;
        this.dir = dir;
        this.recordBytesMax = recordBytesMax;
    }

    /** A file kept after replay: where its records end, and whether it was preallocated (zeros follow). */
    record Kept(long seq, long dataEnd, boolean preallocated) {
    }

    /** Replays {@code seqs} (ascending); returns the files still present afterwards. */
    List<Kept> replay(List<Long> seqs, Visitor visitor, Report report) throws IOException {
        List<Kept> kept = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            report.filesReplayed++;
            ScanEnd end = scan(seq, r -> {
                report.recordsReplayed++;
                visitor.visit(r);
            });
            kept.add(new Kept(seq, end.offset, end.preallocated));
            if (end.reason != null) {
                cut(seq, end, report);
                dropLater(seqs.subList(i + 1, seqs.size()), report);
                break;
            }
        }
        return kept;
    }

    /**
     * Ends the file's valid data at the bad frame, durably: a growing file is truncated there; a
     * preallocated one has the rest zeroed instead, so it keeps its blocks and its clean ending.
     */
    private void cut(long seq, ScanEnd end, Report report) throws IOException {
        report.cutFileSeq = seq;
        report.cutOffset = end.offset;
        report.cutBytes = end.fileBytes - end.offset;
        report.cutReason = end.reason;
        try (FileHandle f = disk.open(WalLog.path(dir, seq), OpenMode.READ_WRITE)) {
            if (end.preallocated) {
                WalSpare.zero(f, end.offset, end.fileBytes);
            } else {
                f.truncate(end.offset);
            }
            f.sync();
        }
    }


    private void dropLater(List<Long> later, Report report) throws IOException {
        for (long seq : later) {
            scan(seq, r -> report.groupsAfterCorruption.add(r.groupId()));
            disk.delete(WalLog.path(dir, seq));
            report.filesDropped++;
        }
        if (!later.isEmpty()) {
            disk.syncDir(dir);
        }
    }

    /**
     * Where and why the good frames of a file ended (reason null when the file ended cleanly), and
     * whether the file began with a preallocation marker.
     */
    record ScanEnd(long offset, long fileBytes, String reason, boolean preallocated) {
    }

    /**
     * Reads one file's good frames: frames that carry the file's own number. A file ends cleanly at its
     * last byte, or — when it begins with a {@link WalRecordKind#PREALLOCATED} marker — where its records
     * end and the rest is what the file held before them: zeros, or the frames of an earlier life of a
     * recycled file. Such an end is a reason (a torn or corrupt tail) when a frame of this file was begun
     * there (its header carries the file's number but the frame does not decode, or the frame would check
     * with the file's number in place of the one it carries), when fewer bytes than a
     * header are left and not all zero (a header cut short: whose it was cannot be read), or when a good
     * frame of this file lies anywhere after it (durable data beyond a damaged frame). In a growing file
     * anything after the last good frame is a reason.
     */
    ScanEnd scan(long seq, Visitor visitor) throws IOException {
        ByteBuffer data = WalLog.readFile(disk, WalLog.path(dir, seq));
        int pos = 0;
        boolean preallocated = false;
        while (true) {
            WalFrame.Decoded d = WalFrame.decode(data, pos, recordBytesMax);
            if (d instanceof WalFrame.Good g && g.kind() == WalRecordKind.PREALLOCATED) {
                if (pos != 0) {
                    return new ScanEnd(pos, data.limit(), "preallocation marker at offset " + pos, preallocated);
                }
                preallocated = true;
                pos += g.frameBytes();
            } else if (d instanceof WalFrame.Good g && g.fileSeq() == seq) {
                visitor.visit(new WalRecord(seq, pos, g.groupId(), g.kind(), g.payload()));
                pos += g.frameBytes();
            } else {
                return new ScanEnd(pos, data.limit(), endReason(data, pos, d, seq, preallocated), preallocated);
            }
        }
    }

    /** Why the records of file {@code seq} end at {@code pos}, or null when that is a clean end. */
    private String endReason(ByteBuffer data, int pos, WalFrame.Decoded d, long seq, boolean preallocated) {
        if (pos == data.limit()) {
            return null;
        }
        String reason = d instanceof WalFrame.End e ? e.reason()
                : "a frame of file " + ((WalFrame.Good) d).fileSeq() + " in file " + seq;
        if (!preallocated) {
            return reason;
        }
        if (d instanceof WalFrame.End && (WalFrame.fileSeqAt(data, pos) == seq
                || WalFrame.checksAs(data, pos, recordBytesMax, seq))) {
            return reason; // a frame of this file begun there, torn, or damaged (its number too)
        }
        if (data.limit() - pos < WalFrame.HEADER_BYTES && !zerosFrom(data, pos)) {
            return reason; // a header cut short by the file's end (a cut file): whose it was cannot be read
        }
        if (d instanceof WalFrame.Good g && g.fileSeq() > seq) {
            return reason;
        }
        int later = nextFrameOf(data, pos + 1, seq);
        return later < 0 ? null : "a frame of this file at offset " + later + " after its end at " + pos;
    }

    /** The offset of the first good frame of file {@code seq} at or after {@code from}, or -1. */
    private int nextFrameOf(ByteBuffer data, int from, long seq) {
        for (int p = from; p <= data.limit() - WalFrame.HEADER_BYTES; p++) {
            if (WalFrame.fileSeqAt(data, p) == seq && WalFrame.decode(data, p, recordBytesMax) instanceof WalFrame.Good g
                    && g.fileSeq() == seq) {
                return p;
            }
        }
        return -1;
    }

    private static boolean zerosFrom(ByteBuffer data, int pos) {
        for (int i = pos; i < data.limit(); i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
