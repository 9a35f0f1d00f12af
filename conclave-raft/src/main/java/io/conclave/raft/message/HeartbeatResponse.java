package io.conclave.raft.message;

/** Follower → leader: acknowledges the heartbeat of the given round. */
public record HeartbeatResponse(long from, long to, long term, long round) implements Message {

    @Override
    public MessageType type() {
        return MessageType.HEARTBEAT_RESPONSE;
    }
}
