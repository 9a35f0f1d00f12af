package io.conclave.transport;

import io.conclave.raft.message.Message;

import java.util.Set;

/**
 * Moves Raft messages between nodes. The Multi-Raft runtime uses it; the deterministic simulator
 * has its own implementation of it. Nothing here blocks: a message the transport cannot take
 * (the peer's bounded queue is full, the peer is unreachable, a fault drops it) is refused with
 * {@code false} and counted — Raft retransmits, so back-pressure is a value, not a wait.
 *
 * <p>Sending is two-step: {@link #send} queues and {@link #flush} is the batching boundary after
 * which everything queued so far leaves as soon as the connection can take it, coalesced into as
 * few frames as the batch limits allow. A lane whose queue already holds a full batch starts
 * sending without waiting for the flush. {@link #sendPriority} and {@link #sendLiveness} do not
 * wait for a flush at all. Order is kept per (peer, lane), not across lanes.
 */
public interface Transport extends AutoCloseable {

    /** This node's id. */
    long localNode();

    /**
     * Queues {@code message} of group {@code groupId} for {@code toNode} on the lane its type
     * belongs to ({@link Lane#of}). Returns false, and counts a drop, when it was not taken.
     *
     * @throws IllegalArgumentException if {@code toNode} is not a peer
     */
    boolean send(long toNode, long groupId, Message message);

    /**
     * Queues {@code message} on the priority lane whatever its type, and wakes that lane's sender at
     * once; for votes, heartbeats and ReadIndex, which bulk traffic must not delay.
     */
    boolean sendPriority(long toNode, long groupId, Message message);

    /** Sends a node-level liveness ping or pong on the priority lane, at once. */
    boolean sendLiveness(long toNode, Liveness signal);

    /** The batching boundary: everything queued so far leaves as soon as the connection can take it. */
    void flush();

    /** Sets who receives inbound messages; must be called before peers send anything. */
    void setInboundHandler(InboundHandler handler);

    /** The nodes this transport sends to. */
    Set<Long> peers();

    /** Counters since start, per peer. */
    TransportStats stats();

    /** Stops sending and receiving and releases every thread and connection; idempotent. */
    @Override
    void close();
}
