package io.conclave.storage.engine;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.segment.SegmentLog;
import java.io.IOException;
import java.util.List;

/** {@link GroupSegments} on a {@link SegmentLog}. */
final class SegmentLogSegments implements GroupSegments {

    private final SegmentLog log;

    private SegmentLogSegments(SegmentLog log) {
        this.log = log;
    }

    static SegmentLogSegments open(Disk disk, String dir, SegmentConfig config) throws IOException {
        return new SegmentLogSegments(SegmentLog.open(disk, dir, config));
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public List<Entry> read(long lo, long hi, long maxBytes) throws IOException {
        return log.read(lo, hi, maxBytes);
    }

    @Override
    public void append(List<Entry> entries, long timestampMs) throws IOException {
        log.append(entries, timestampMs);
    }

    @Override
    public void compactThrough(long index) throws IOException {
        log.compactPrefix(index);
    }

    @Override
    public void reset(long index, long term) throws IOException {
        log.reset(index, term);
    }

    @Override
    public void sync() throws IOException {
        log.sync();
    }

    @Override
    public boolean corrupt() {
        return log.needsSnapshot();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
