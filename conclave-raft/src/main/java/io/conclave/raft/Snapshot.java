package io.conclave.raft;

import java.util.Arrays;

/**
 * A state machine snapshot: the host's serialized state at {@code metadata.index()}. The core moves
 * it in chunks of {@link RaftConfig#snapshotChunkBytes()} and never looks inside {@code data}.
 */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {

    public static final Snapshot EMPTY = new Snapshot(SnapshotMetadata.EMPTY, new byte[0]);

    public Snapshot {
        if (metadata == null) {
            throw new IllegalArgumentException("metadata is null");
        }
        if (data == null) {
            data = new byte[0];
        }
    }

    public boolean isEmpty() {
        return metadata.index() == 0;
    }

    public long index() {
        return metadata.index();
    }

    public long term() {
        return metadata.term();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.metadata.equals(metadata) && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return metadata.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + metadata + ", " + data.length + "B]";
    }
}
