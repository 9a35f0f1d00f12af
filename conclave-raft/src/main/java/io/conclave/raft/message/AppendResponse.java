package io.conclave.raft.message;

/**
 * Follower → leader. On success {@code index} is the last index the follower now matches. On
 * rejection {@code index} is the prevLogIndex that did not match, and ({@code hintIndex},
 * {@code hintTerm}) says where to retry: the largest index at or below it whose term is at most
 * {@code hintTerm}, so the leader can skip a whole divergent term in one round trip.
 */
public record AppendResponse(long from, long to, long term, long index, boolean reject, long hintIndex,
                             long hintTerm) implements Message {

    public static AppendResponse accept(long from, long to, long term, long index) {
        return new AppendResponse(from, to, term, index, false, 0, 0);
    }

    @Override
    public MessageType type() {
        return MessageType.APPEND_RESPONSE;
    }
}
