package io.conclave.transport;

/**
 * A node-level liveness signal (not per group). The transport only carries them, always on the
 * priority lane; the failure detector above decides what they mean.
 */
public sealed interface Liveness permits LivenessPing, LivenessPong {

    /** The node that sent the signal. */
    long nodeId();

    /** The sender's incarnation: a node that restarts comes back with a larger one. */
    long incarnation();

    /** For a ping, the sender's clock when it sent it; for a pong, the ping's, echoed. */
    long sendTimeNs();

    /** For a ping, the sender's sequence number; for a pong, the ping's, echoed. */
    long sequence();
}
