package io.conclave.storage.engine;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.segment.SegmentLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@link GroupSegments} on a {@link SegmentLog} that is opened on first use and closed by
 * {@link #release()}: a SegmentLog holds three files open, so with thousands of groups the engine
 * keeps only the recently used ones open ({@link OpenSegments}). Its own monitor guards the
 * SegmentLog, so the housekeeper can fsync it without holding the group's monitor (lock order:
 * group, then this, then {@link OpenSegments}).
 */
final class SegmentLogSegments implements GroupSegments {

    private final Disk disk;
    private final String dir;
    private final SegmentConfig config;
    private final OpenSegments open;
    private SegmentLog log;
    private GroupLog owner;

    SegmentLogSegments(Disk disk, String dir, SegmentConfig config, OpenSegments open) {
        this.disk = disk;
        this.dir = dir;
        this.config = config;
        this.open = open;
    }

    private synchronized SegmentLog log() throws IOException {
        if (log == null) {
            log = SegmentLog.open(disk, dir, config);
        }
        open.touch(this);
        return log;
    }

    private SegmentLog logUnchecked() {
        try {
            return log();
        } catch (IOException e) {
            throw new UncheckedIOException("opening segment log " + dir, e);
        }
    }

    @Override
    public synchronized long firstIndex() {
        return logUnchecked().firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return logUnchecked().lastIndex();
    }

    @Override
    public synchronized long term(long index) throws IOException {
        return log().term(index);
    }

    @Override
    public synchronized List<Entry> read(long lo, long hi, long maxBytes) throws IOException {
        return log().read(lo, hi, maxBytes);
    }

    @Override
    public synchronized void append(List<Entry> entries, long timestampMs) throws IOException {
        log().append(entries, timestampMs);
    }

    @Override
    public synchronized void compactThrough(long index) throws IOException {
        log().compactPrefix(index);
    }

    @Override
    public synchronized void reset(long index, long term) throws IOException {
        log().reset(index, term);
    }

    @Override
    public synchronized void sync() throws IOException {
        log().sync();
    }

    @Override
    public synchronized boolean corrupt() {
        return logUnchecked().needsSnapshot();
    }

    @Override
    public synchronized void release() throws IOException {
        if (log != null) {
            SegmentLog l = log;
            log = null;
            open.forget(this);
            l.close();
        }
    }

    void setOwner(GroupLog g) {
        owner = g;
    }

    GroupLog owner() {
        return owner;
    }

    synchronized boolean isOpen() {
        return log != null;
    }

    @Override
    public void close() throws IOException {
        release();
    }
}
