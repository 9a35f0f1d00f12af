package io.conclave.sim.net;

/** Where the network hands a packet once it arrives. */
@FunctionalInterface
public interface Receiver {

    void deliver(int from, int to, Object payload);
}
