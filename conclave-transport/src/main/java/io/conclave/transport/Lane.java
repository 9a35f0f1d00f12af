package io.conclave.transport;

import io.conclave.raft.message.MessageType;

/**
 * The separate streams between two nodes. Each lane of each peer has its own bounded queue, its
 * own sender and (for gRPC) its own connection, so that one lane's backlog never delays another.
 */
public enum Lane {
    /** Votes, heartbeats, ReadIndex, TimeoutNow and liveness: small and latency-critical. */
    PRIORITY,
    /** Appends, their responses, forwarded proposals and everything else. */
    BULK,
    /** Snapshot chunks, which may be large, one per frame. */
    SNAPSHOT;

    /** The lane {@link Transport#send} uses for a message of this type. */
    public static Lane of(MessageType type) {
        switch (type) {
            case VOTE:
            case VOTE_RESPONSE:
            case HEARTBEAT:
            case HEARTBEAT_RESPONSE:
            case READ_INDEX:
            case READ_INDEX_RESPONSE:
            case TIMEOUT_NOW:
                return PRIORITY;
            case SNAPSHOT_CHUNK:
                return SNAPSHOT;
            default:
                return BULK;
        }
    }
}
