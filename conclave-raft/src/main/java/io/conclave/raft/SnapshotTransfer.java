package io.conclave.raft;

import io.conclave.raft.message.SnapshotChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunked snapshot transfer, both ends. The leader keeps one {@link Outgoing} per follower in
 * SNAPSHOT state; the follower keeps at most one {@link Incoming}. A follower that lost its buffer
 * (restart) answers with offset 0 and the leader starts over; duplicates and reordered chunks are
 * answered with the offset the follower wants, so a lossy network only costs resends.
 */
final class SnapshotTransfer {

    private SnapshotTransfer() {
    }

    /** The leader's sending state for one follower. */
    static final class Outgoing {
        final Snapshot snapshot;
        long nextOffset;
        long ackedOffset;
        long lastProgressTick;

        Outgoing(Snapshot snapshot, long tick) {
            this.snapshot = snapshot;
            this.lastProgressTick = tick;
        }

        /** Chunks that fit in the window: at most {@code window} chunks ahead of the acknowledged offset. */
        List<SnapshotChunk> nextChunks(long from, long to, long term, int chunkBytes, int window) {
            List<SnapshotChunk> out = new ArrayList<>();
            byte[] data = snapshot.data();
            long total = data.length;
            if (nextOffset == 0 && total == 0 && ackedOffset == 0) {
                out.add(new SnapshotChunk(from, to, term, snapshot.metadata(), 0, 0, new byte[0], true));
                nextOffset = 1; // marks the single empty chunk as sent
                return out;
            }
            while (nextOffset < total && nextOffset - ackedOffset < (long) chunkBytes * window) {
                int len = (int) Math.min(chunkBytes, total - nextOffset);
                byte[] chunk = new byte[len];
                System.arraycopy(data, (int) nextOffset, chunk, 0, len);
                boolean last = nextOffset + len == total;
                out.add(new SnapshotChunk(from, to, term, snapshot.metadata(), nextOffset, total, chunk, last));
                nextOffset += len;
            }
            return out;
        }

        /** The follower has everything before {@code offset}. */
        void acknowledged(long offset, long tick) {
            if (offset < ackedOffset) {
                // The follower lost its buffer: start over from what it has.
                ackedOffset = offset;
                nextOffset = offset;
            } else {
                ackedOffset = offset;
                nextOffset = Math.max(nextOffset, offset);
            }
            lastProgressTick = tick;
        }

        /** Nothing heard for a while: resend from the acknowledged offset. */
        void rewind(long tick) {
            nextOffset = ackedOffset;
            lastProgressTick = tick;
        }
    }

    /** The follower's buffer for one snapshot being received. */
    static final class Incoming {
        final SnapshotMetadata metadata;
        final long leaderTerm;
        final byte[] buffer;
        int received;

        Incoming(SnapshotMetadata metadata, long leaderTerm, long totalBytes) {
            if (totalBytes < 0 || totalBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("snapshot of " + totalBytes + " bytes cannot be buffered");
            }
            this.metadata = metadata;
            this.leaderTerm = leaderTerm;
            this.buffer = new byte[(int) totalBytes];
        }

        boolean matches(SnapshotChunk c) {
            return c.metadata().equals(metadata) && c.term() == leaderTerm && c.totalBytes() == buffer.length;
        }

        /** Takes the chunk if it is the next one; returns whether it was taken. */
        boolean accept(SnapshotChunk c) {
            if (c.offset() != received || c.offset() + c.data().length > buffer.length) {
                return false;
            }
            System.arraycopy(c.data(), 0, buffer, received, c.data().length);
            received += c.data().length;
            return true;
        }

        boolean complete() {
            return received == buffer.length;
        }

        Snapshot toSnapshot() {
            return new Snapshot(metadata, buffer);
        }
    }
}
