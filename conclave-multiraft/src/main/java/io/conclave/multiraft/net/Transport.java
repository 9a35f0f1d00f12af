package io.conclave.multiraft.net;

import io.conclave.raft.message.Message;

/**
 * Moves Raft messages between nodes. Sends never block and may drop (Raft retries); the priority
 * lane carries votes, liveness pings and ReadIndex traffic so bulk appends never delay them.
 */
public interface Transport extends AutoCloseable {

    /** Sends on the bulk lane. */
    void send(long toNode, long groupId, Message message);

    /** Sends on the priority lane. */
    void sendPriority(long toNode, long groupId, Message message);

    /** Installs the handler of inbound envelopes; called once before traffic flows. */
    void setInboundHandler(InboundHandler handler);

    @Override
    void close();
}
