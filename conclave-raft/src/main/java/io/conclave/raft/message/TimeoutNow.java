package io.conclave.raft.message;

/** Leader → transfer target, which has caught up: campaign at once. */
public record TimeoutNow(long from, long to, long term) implements Message {

    @Override
    public MessageType type() {
        return MessageType.TIMEOUT_NOW;
    }

    @Override
    public boolean canSendBeforePersist() {
        return true;
    }
}
