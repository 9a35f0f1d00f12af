package io.conclave.raft.message;

/** Follower → leader: please transfer leadership to {@code transferee}. Carries no term. */
public record TransferLeaderRequest(long from, long to, long term, long transferee) implements Message {

    @Override
    public MessageType type() {
        return MessageType.TRANSFER_LEADER;
    }
}
