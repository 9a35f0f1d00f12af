package io.conclave.raft.message;

import java.util.Arrays;

/**
 * Leader → follower: the read index for a forwarded read request, or {@code rejected} when the
 * leader cannot serve reads yet (it has not committed an entry of its term) or is stepping down.
 */
public record ReadIndexResponse(long from, long to, long term, long index, byte[] context, boolean rejected)
        implements Message {

    @Override
    public MessageType type() {
        return MessageType.READ_INDEX_RESPONSE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadIndexResponse r && r.from == from && r.to == to && r.term == term
                && r.index == index && r.rejected == rejected && Arrays.equals(r.context, context);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from ^ to ^ term ^ index) * 31 + Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return "ReadIndexResponse[" + from + "->" + to + " term=" + term + " index=" + index
                + (rejected ? " rejected" : "") + " ctx=" + Arrays.toString(context) + "]";
    }
}
