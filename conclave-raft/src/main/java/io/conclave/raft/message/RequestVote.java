package io.conclave.raft.message;

/**
 * (Pre-)candidate → voter. For a pre-vote, {@code term} is the term the sender would campaign in;
 * its own term is not raised. {@code leaderTransfer} marks a campaign started by TimeoutNow, which a
 * voter grants even while it still hears from a leader.
 */
public record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
                          boolean leaderTransfer) implements Message {

    @Override
    public MessageType type() {
        return MessageType.VOTE;
    }
}
