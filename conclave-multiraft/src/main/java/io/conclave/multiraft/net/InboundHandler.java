package io.conclave.multiraft.net;

import java.util.List;

/** Receives what a peer sent: one envelope of messages for many groups. Must not block. */
@FunctionalInterface
public interface InboundHandler {

    void onEnvelope(long fromNode, List<GroupMessage> messages);
}
