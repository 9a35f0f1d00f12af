package io.conclave.raft;

import java.util.Arrays;

/**
 * The answer to a read request: once this node has applied up to {@code index}, a read of its state
 * machine is linearizable (ReadIndex) or lease-safe, for the request identified by {@code context}.
 */
public record ReadState(long index, byte[] context) {

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadState r && r.index == index && Arrays.equals(r.context, context);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return "ReadState[index=" + index + ", context=" + Arrays.toString(context) + "]";
    }
}
