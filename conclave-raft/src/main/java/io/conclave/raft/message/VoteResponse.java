package io.conclave.raft.message;

/** Voter → (pre-)candidate: the answer to a {@link RequestVote}. */
public record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements Message {

    @Override
    public MessageType type() {
        return MessageType.VOTE_RESPONSE;
    }
}
