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
 * not decode ends the WAL: that file is cut there (and fsynced) and any later file is deleted, so a
 * torn or corrupt tail is never served and the next append never follows garbage.
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

    /** Replays {@code seqs} (ascending); returns the seqs still present afterwards. */
    List<Long> replay(List<Long> seqs, Visitor visitor, Report report) throws IOException {
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            kept.add(seq);
            report.filesReplayed++;
            ScanEnd end = scan(seq, r -> {
                report.recordsReplayed++;
                visitor.visit(r);
            });
            if (end.reason != null) {
                cut(seq, end, report);
                dropLater(seqs.subList(i + 1, seqs.size()), report);
                break;
            }
        }
        return kept;
    }

    private void cut(long seq, ScanEnd end, Report report) throws IOException {
        report.cutFileSeq = seq;
        report.cutOffset = end.offset;
        report.cutBytes = end.fileBytes - end.offset;
        report.cutReason = end.reason;
        try (FileHandle f = disk.open(WalLog.path(dir, seq), OpenMode.READ_WRITE)) {
            f.truncate(end.offset);
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

    /** Where and why the good frames of a file ended; reason null when the file ended cleanly. */
    record ScanEnd(long offset, long fileBytes, String reason) {
    }

    ScanEnd scan(long seq, Visitor visitor) throws IOException {
        ByteBuffer data = WalLog.readFile(disk, WalLog.path(dir, seq));
        int pos = 0;
        while (true) {
            WalFrame.Decoded d = WalFrame.decode(data, pos, recordBytesMax);
            if (d instanceof WalFrame.Good g) {
                visitor.visit(new WalRecord(seq, pos, g.groupId(), g.kind(), g.payload()));
                pos += g.frameBytes();
            } else {
                String reason = ((WalFrame.End) d).reason();
                boolean clean = pos == data.limit();
                return new ScanEnd(pos, data.limit(), clean ? null : reason);
            }
        }
    }
}
