package io.conclave.raft.message;

import io.conclave.raft.SnapshotMetadata;
import java.util.Arrays;

/**
 * Leader → follower: bytes [offset, offset + data.length) of the snapshot described by
 * {@code metadata}, whose data is {@code totalBytes} long; {@code last} on the final chunk.
 */
public record SnapshotChunk(long from, long to, long term, SnapshotMetadata metadata, long offset, long totalBytes,
                            byte[] data, boolean last) implements Message {

    @Override
    public MessageType type() {
        return MessageType.SNAPSHOT_CHUNK;
    }

    @Override
    public boolean canSendBeforePersist() {
        return true;
    }

    @Override
    public long sizeBytes() {
        return 96 + data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotChunk c && c.from == from && c.to == to && c.term == term
                && c.metadata.equals(metadata) && c.offset == offset && c.totalBytes == totalBytes
                && c.last == last && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from ^ to ^ term ^ offset) * 31 + metadata.hashCode();
    }

    @Override
    public String toString() {
        return "SnapshotChunk[" + from + "->" + to + " term=" + term + " snap=" + metadata.index() + "/"
                + metadata.term() + " offset=" + offset + " len=" + data.length + "/" + totalBytes
                + (last ? " last" : "") + "]";
    }
}
