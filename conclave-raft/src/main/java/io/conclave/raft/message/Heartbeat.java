package io.conclave.raft.message;

/**
 * Leader → follower. {@code commit} is capped at what the follower is known to match. {@code round}
 * identifies the leader's heartbeat round, echoed back so that the leader can confirm read
 * requests and extend its lease.
 */
public record Heartbeat(long from, long to, long term, long commit, long round) implements Message {

    @Override
    public MessageType type() {
        return MessageType.HEARTBEAT;
    }

    @Override
    public boolean canSendBeforePersist() {
        return true;
    }
}
