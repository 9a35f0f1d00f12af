package io.conclave.transport;

import java.util.List;

/**
 * Receives what peers send. Called on the transport's receiving threads (for gRPC: the thread of
 * the call that carried the batch), one call per inbound batch, in order per (peer, lane); calls
 * for different lanes or peers may run at the same time. A handler hands the messages to its own
 * threads and returns at once, never blocking: with gRPC's default dispatch ({@code inboundOnNetty})
 * it runs on a network thread, and blocking it stops every connection that thread serves. With the
 * pooled dispatch, a blocked handler stops only that lane of that peer (flow control pushes back to
 * the sender, whose bounded queue then drops).
 */
public interface InboundHandler {

    /** Raft messages from {@code fromNode}, in the order the peer sent them on one lane. */
    void onMessages(long fromNode, List<Envelope> messages);

    /** A liveness ping or pong from {@code fromNode}. */
    void onLiveness(long fromNode, Liveness signal);
}
