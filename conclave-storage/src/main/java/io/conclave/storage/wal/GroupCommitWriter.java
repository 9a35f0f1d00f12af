package io.conclave.storage.wal;

import io.conclave.raft.Entry;
import io.conclave.storage.buggify.Buggify;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The group-commit writer of one WAL. Producers {@link #offer} requests into a bounded queue; each
 * {@link #doWork()} drains what is queued (up to the batch bounds), encodes it, appends it to the
 * active WAL file, makes ONE fsync, and hands the batch to the {@link BatchHandler}. There is no
 * linger: a batch is written as soon as the writer finds the queue non-empty, so under load the
 * batch is whatever arrived during the previous fsync.
 *
 * <p>{@link #offer} is safe from any thread; everything else belongs to the agent's thread.
 */
public final class GroupCommitWriter implements Agent {

    private final WalLog log;
    private final WalConfig config;
    private final BatchHandler handler;
    private final ArrayBlockingQueue<WriteRequest> queue;
    private final ArrayList<WriteRequest> batch = new ArrayList<>();
    private WriteRequest carried;
    private ByteBuffer buffer = ByteBuffer.allocate(64 << 10);

    private long batchesWritten;
    private long batchesFailed;
    private long requestsWritten;
    private long bytesWritten;

    public GroupCommitWriter(WalLog log, WalConfig config, BatchHandler handler) {
        this.log = log;
        this.config = config.validate();
        this.handler = handler;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    }

    /**
     * Queues a request; false (nothing queued) when the queue is full: back-pressure, try later.
     * Entries larger together than one record are written as several records of the same batch.
     *
     * @throws IllegalArgumentException when one entry alone would exceed recordBytesMax
     */
    public boolean offer(WriteRequest request) {
        WalCodec.recordRuns(request.entries(), config.recordBytesMax());
        return queue.offer(request);
    }

    public int queuedRequests() {
        return queue.size() + (carried != null ? 1 : 0);
    }

    @Override
    public boolean hasWork() {
        return carried != null || !queue.isEmpty();
    }

    @Override
    public int doWork() {
        if (hasWork() && Buggify.fire(Buggify.WAL_DEFER_BATCH)) {
            return 0;
        }
        if (!drain()) {
            return 0;
        }
        int written = batch.size();
        List<WriteRequest> done = new ArrayList<>(batch);
        batch.clear();
        try {
            if (Buggify.fire(Buggify.WAL_SHORT_WRITE)) {
                log.append(buffer.array(), buffer.limit() / 2);
                throw new IOException("buggify " + Buggify.WAL_SHORT_WRITE + ": " + buffer.limit() / 2 + " of "
                        + buffer.limit() + " bytes written before the fsync");
            }
            log.append(buffer.array(), buffer.limit());
            log.sync();
        } catch (IOException e) {
            batchesFailed++;
            log.rollback();
            handler.onFailed(done, e);
            return written;
        }
        batchesWritten++;
        requestsWritten += written;
        bytesWritten += buffer.limit();
        handler.onDurable(done, log.activeSeq());
        return written;
    }

    /** Takes the next batch off the queue and encodes it into {@link #buffer}; false when nothing to write. */
    private boolean drain() {
        buffer.clear();
        long bytes = 0;
        while (batch.size() < config.batchRequestsMax()) {
            WriteRequest r = carried != null ? carried : queue.poll();
            carried = null;
            if (r == null) {
                break;
            }
            List<List<Entry>> runs = WalCodec.recordRuns(r.entries(), config.recordBytesMax());
            int size = r.encodedBytes(runs);
            if (!batch.isEmpty() && bytes + size > config.batchBytesMax()) {
                carried = r;
                break;
            }
            if (!handler.admit(r)) {
                continue;
            }
            ensureCapacity(size);
            encode(r, runs, size);
            bytes += size;
            batch.add(r);
        }
        buffer.flip();
        return !batch.isEmpty();
    }

    private void encode(WriteRequest r, List<List<Entry>> runs, int size) {
        int before = buffer.position();
        if (r.snapshotMark() != null) {
            int start = WalFrame.begin(buffer, r.groupId(), WalRecordKind.SNAPSHOT_MARK);
            WalCodec.putSnapshotMark(buffer, r.snapshotMark());
            endFrame(start);
        }
        for (List<Entry> run : runs) {
            int start = WalFrame.begin(buffer, r.groupId(), WalRecordKind.ENTRIES);
            WalCodec.putEntries(buffer, run);
            endFrame(start);
        }
        if (r.hardState() != null) {
            int start = WalFrame.begin(buffer, r.groupId(), WalRecordKind.HARD_STATE);
            WalCodec.putHardState(buffer, r.hardState());
            endFrame(start);
        }
        if (r.compactIndex() > 0) {
            int start = WalFrame.begin(buffer, r.groupId(), WalRecordKind.TRUNCATE);
            WalCodec.putTruncate(buffer, r.compactIndex());
            endFrame(start);
        }
        if (r.isTombstone()) {
            int start = WalFrame.begin(buffer, r.groupId(), WalRecordKind.DELETE_GROUP);
            WalCodec.putDeleteGroup(buffer, r.deletedIncarnation());
            endFrame(start);
        }
        if (buffer.position() - before != size) {
            throw new IllegalStateException("request encoded to " + (buffer.position() - before)
                    + " bytes, expected " + size);
        }
    }

    private void endFrame(int start) {
        int length = buffer.position() - start - WalFrame.HEADER_BYTES;
        if (length > config.recordBytesMax()) {
            throw new IllegalStateException("WAL record of " + length + " bytes exceeds recordBytesMax "
                    + config.recordBytesMax());
        }
        WalFrame.end(buffer, start);
    }

    private void ensureCapacity(int more) {
        if (buffer.remaining() >= more) {
            return;
        }
        int needed = buffer.position() + more;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }

    public long batchesWritten() {
        return batchesWritten;
    }

    public long batchesFailed() {
        return batchesFailed;
    }

    public long requestsWritten() {
        return requestsWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }
}
