package io.conclave.sim.runtime;

import io.conclave.sim.net.Network;
import io.conclave.transport.Liveness;

/**
 * Routes packets between the simulated nodes' transports over the simulator's {@link Network}
 * (latency, loss, duplication, reordering, cuts, clogging all apply). A packet that arrives at a node
 * that is down, or at an incarnation that has gone, is dropped; one that arrives at a node that came
 * back is delivered to its new incarnation, as a real network would.
 */
final class RuntimeNetwork {

    private final Network network;
    private RuntimeNode[] nodes = new RuntimeNode[0];

    RuntimeNetwork(Network network) {
        this.network = network;
        network.setReceiver(this::deliver);
    }

    Network network() {
        return network;
    }

    /** The nodes, indexed by id (index 0 unused). */
    void attach(RuntimeNode[] byId) {
        this.nodes = byId.clone();
    }

    /** The trace tag of a packet: 0 for liveness, else (messages << 8) | (the first message's type + 1). */
    static long tag(Object payload) {
        if (payload instanceof Liveness) {
            return 0;
        }
        java.util.List<io.conclave.transport.Envelope> m = ((SimTransport.Batch) payload).messages();
        return ((long) m.size() << 8) | (m.get(0).message().type().ordinal() + 1);
    }

    void send(long from, long to, Object payload) {
        network.send((int) from, (int) to, payload, tag(payload));
    }

    private void deliver(int from, int to, Object payload) {
        nodes[to].receive(from, payload);
    }
}
