package io.conclave.storage.segment;

import java.util.List;

/**
 * What {@link SegmentLog#open} found and did.
 *
 * @param segments the segments in the log after recovery
 * @param tornTail the torn or corrupt tail of the last segment that was cut off and never served, or null
 * @param corruption damage before the tail, or null; when set the log serves nothing and
 *     {@link #needsSnapshot()} is true
 * @param cachesRebuilt the segments ({@code .log} paths) whose index and time index files were missing
 *     or differed from the log and were rewritten (or could not be: see {@link SegmentLog#cachesStale()})
 * @param filesRemoved leftovers deleted: temporary files, a last segment with a torn header, segments
 *     superseded by a reset, cache files without a log
 */
public record RecoveryReport(int segments, TornTail tornTail, CorruptLogException corruption,
                             List<String> cachesRebuilt, List<String> filesRemoved) {

    public RecoveryReport {
        cachesRebuilt = List.copyOf(cachesRebuilt);
        filesRemoved = List.copyOf(filesRemoved);
    }

    /**
     * A cut-off tail.
     *
     * @param file the segment file
     * @param position where the first bad record started; the file now ends there
     * @param bytesCut how many bytes were cut off
     * @param reason what was wrong with the record at {@code position}
     */
    public record TornTail(String file, long position, long bytesCut, String reason) {
    }

    /** Whether the log is unusable and the replica must be restored from a peer's snapshot. */
    public boolean needsSnapshot() {
        return corruption != null;
    }

    public boolean truncatedTail() {
        return tornTail != null;
    }

    /** Whether the log was found exactly as a clean shutdown leaves it. */
    public boolean clean() {
        return tornTail == null && corruption == null && cachesRebuilt.isEmpty() && filesRemoved.isEmpty();
    }

    /** One line for a log message. */
    public String describe() {
        if (clean()) {
            return segments + " segment(s), clean";
        }
        StringBuilder b = new StringBuilder().append(segments).append(" segment(s)");
        if (corruption != null) {
            b.append("; NEEDS SNAPSHOT: ").append(corruption.getMessage());
        }
        if (tornTail != null) {
            b.append("; torn tail cut: ").append(tornTail.bytesCut).append(" bytes of ").append(tornTail.file)
                    .append(" from byte ").append(tornTail.position).append(" (").append(tornTail.reason).append(')');
        }
        if (!cachesRebuilt.isEmpty()) {
            b.append("; index caches rebuilt for ").append(cachesRebuilt);
        }
        if (!filesRemoved.isEmpty()) {
            b.append("; removed ").append(filesRemoved);
        }
        return b.toString();
    }
}
