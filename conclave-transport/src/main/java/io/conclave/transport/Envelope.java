package io.conclave.transport;

import io.conclave.raft.message.Message;

import java.util.Objects;

/** One Raft message of one group, as it crosses the transport: the core-side mirror of the wire's GroupMessage. */
public record Envelope(long groupId, Message message) {

    public Envelope {
        Objects.requireNonNull(message, "message");
    }
}
