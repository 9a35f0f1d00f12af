package io.conclave.multiraft.net;

import io.conclave.raft.message.Message;

/** One Raft message and the group it belongs to, as carried in an envelope between two nodes. */
public record GroupMessage(long groupId, Message message) {
}
