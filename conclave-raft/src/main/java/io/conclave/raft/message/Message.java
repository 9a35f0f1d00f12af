package io.conclave.raft.message;

/**
 * A message between the replicas of one group. The host moves messages between nodes; the group id
 * is the host's business. A message with {@code term() == 0} is a forwarded request that carries no
 * term (proposals, read requests, transfer requests).
 */
public sealed interface Message permits AppendEntries, AppendResponse, RequestVote, VoteResponse, Heartbeat,
        HeartbeatResponse, SnapshotChunk, SnapshotChunkResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse,
        ProposalForward, TransferLeaderRequest {

    MessageType type();

    long from();

    long to();

    long term();

    /**
     * Whether the host may send this message before it has persisted the {@code Ready} that carries
     * it. True for a leader's replication traffic (the leader counts its own log only once the host
     * reports it persisted); false for anything a crash could make the sender contradict (votes, acks).
     */
    default boolean canSendBeforePersist() {
        return false;
    }

    /** Approximate encoded size, for batching and byte limits. */
    default long sizeBytes() {
        return 48;
    }
}
