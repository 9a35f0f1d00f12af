package io.conclave.raft.message;

/**
 * Follower → leader about the snapshot at {@code snapshotIndex}: it has every byte before
 * {@code nextOffset} and wants the chunk there, or (when {@code done}) has installed the whole
 * snapshot, or (when {@code reject}) will not take it and the leader should start over or probe.
 */
public record SnapshotChunkResponse(long from, long to, long term, long snapshotIndex, long nextOffset,
                                    boolean done, boolean reject) implements Message {

    @Override
    public MessageType type() {
        return MessageType.SNAPSHOT_CHUNK_RESPONSE;
    }
}
