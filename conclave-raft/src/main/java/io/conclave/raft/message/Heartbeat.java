package io.conclave.raft.message;

/**
 * Leader → follower. {@code commit} is capped at what the follower is known to match. {@code round}
 * identifies the leader's heartbeat round, echoed back so that the leader can confirm read
 * requests and extend its lease. {@code quiesce} tells a caught-up follower that the group goes
 * idle: it stops counting election time until the leader speaks again (node-level liveness
 * watches the leader meanwhile).
 */
public record Heartbeat(long from, long to, long term, long commit, long round, boolean quiesce)
        implements Message {

    public Heartbeat(long from, long to, long term, long commit, long round) {
        this(from, to, term, commit, round, false);
    }

    @Override
    public MessageType type() {
        return MessageType.HEARTBEAT;
    }

    @Override
    public boolean canSendBeforePersist() {
        return true;
    }
}
