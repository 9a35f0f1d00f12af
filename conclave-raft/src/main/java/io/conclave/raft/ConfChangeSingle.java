package io.conclave.raft;

/** One node's part in a {@link ConfChange}. */
public record ConfChangeSingle(ConfChangeType type, long nodeId) {

    public ConfChangeSingle {
        if (type == null) {
            throw new IllegalArgumentException("type is null");
        }
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node id must be > 0, was " + nodeId);
        }
    }
}
