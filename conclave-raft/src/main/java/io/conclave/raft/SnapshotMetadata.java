package io.conclave.raft;

/**
 * What a snapshot covers: the log up to and including {@code index} (whose term is {@code term}),
 * and the membership in force at that index.
 */
public record SnapshotMetadata(long index, long term, ConfState confState) {

    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);

    public SnapshotMetadata {
        if (index < 0 || term < 0 || confState == null) {
            throw new IllegalArgumentException("bad snapshot metadata: " + index + "/" + term + "/" + confState);
        }
    }
}
