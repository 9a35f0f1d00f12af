package io.conclave.server.partition;

import io.conclave.api.ApiErrors;
import io.conclave.raft.Entry;
import io.conclave.raft.storage.RaftStorage;
import java.util.ArrayList;
import java.util.List;

/** Reads a partition's applied records from its Raft log, by offset, through the offset index. */
public final class PartitionReader {

    /** One record with its offset. */
    public record Fetched(long offset, PartitionCommand.StoredRecord record) {
    }

    /** Records read, and the high watermark they were read under. */
    public record Slice(List<Fetched> records, long highWatermark) {
    }

    /** The most batches one read looks at. */
    static final int BATCHES_PER_READ_MAX = 1024;

    private PartitionReader() {
    }

    /**
     * Records from {@code offset} up to the high watermark, at most {@code maxBytes} of them but
     * always at least one when there is one. {@code offset} must be at most the high watermark.
     */
    public static Slice read(PartitionLog log, RaftStorage raftLog, long offset, int maxBytes) {
        long hw = log.nextOffset();
        List<Fetched> out = new ArrayList<>();
        PartitionLog.Span span = log.span(offset, BATCHES_PER_READ_MAX);
        if (span == null) {
            long start = log.logStartOffset();
            if (offset < start) {
                throw ApiErrors.offsetOutOfRange("offset " + offset
                        + " was removed by retention; this replica's log starts at " + start, start);
            }
            return new Slice(out, hw);
        }
        List<Entry> entries = raftLog.entries(span.firstRaftIndex(), span.lastRaftIndex() + 1, maxBytes);
        int bytes = 0;
        for (Entry e : entries) {
            long base = log.baseAtIndex(e.index());
            if (base < 0) {
                continue; // not an accepted batch (a no-op, a barrier, a fenced or duplicate batch)
            }
            PartitionCommand cmd = PartitionCommand.decode(e.data());
            for (int i = 0; i < cmd.records().size(); i++) {
                long off = base + i;
                if (off < offset || off >= hw) {
                    continue;
                }
                PartitionCommand.StoredRecord r = cmd.records().get(i);
                if (!out.isEmpty() && bytes + r.sizeBytes() > maxBytes) {
                    return new Slice(out, hw);
                }
                bytes += r.sizeBytes();
                out.add(new Fetched(off, r));
            }
        }
        return new Slice(out, hw);
    }
}
