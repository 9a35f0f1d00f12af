package io.conclave.raft.message;

import java.util.Arrays;

/** Follower → leader: a read request forwarded by a follower; carries no term. */
public record ReadIndexRequest(long from, long to, long term, byte[] context) implements Message {

    @Override
    public MessageType type() {
        return MessageType.READ_INDEX;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadIndexRequest r && r.from == from && r.to == to && r.term == term
                && Arrays.equals(r.context, context);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from ^ to ^ term) * 31 + Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return "ReadIndexRequest[" + from + "->" + to + " term=" + term + " ctx=" + Arrays.toString(context) + "]";
    }
}
