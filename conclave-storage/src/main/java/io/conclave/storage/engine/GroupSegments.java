package io.conclave.storage.engine;

import io.conclave.raft.Entry;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * What a {@link GroupLog} needs from its materialized log: the segment files of one group. The
 * production implementation adapts {@code storage.segment.SegmentLog}. Not thread-safe; the group's
 * monitor guards it.
 */
interface GroupSegments extends Closeable {

    /** The first index held; entries before it are compacted. Reopening may lower it to a segment base. */
    long firstIndex();

    long lastIndex();

    /** The term at {@code index}, for index in [firstIndex - 1, lastIndex]. */
    long term(long index) throws IOException;

    /** Entries [lo, hi) stopping once their {@link Entry#sizeBytes()} would pass maxBytes (at least one). */
    List<Entry> read(long lo, long hi, long maxBytes) throws IOException;

    /**
     * Appends entries; the first one's index must lie in [firstIndex, lastIndex + 1] and replaces
     * the log from there on. Not durable until {@link #sync()}.
     */
    void append(List<Entry> entries, long timestampMs) throws IOException;

    /** Drops entries up to and including {@code index}; its term stays answerable. */
    void compactThrough(long index) throws IOException;

    /** Replaces the whole log by an empty one after a snapshot at (index, term). */
    void reset(long index, long term) throws IOException;

    void sync() throws IOException;

    /** Whether recovery found the log corrupt before its tail (it then serves nothing). */
    boolean corrupt();

    /** Closes the files without syncing; the next call reopens them (the bound on open files). */
    void release() throws IOException;
}
