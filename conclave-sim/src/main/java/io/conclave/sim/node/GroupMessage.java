package io.conclave.sim.node;

import io.conclave.raft.message.Message;

/** A Raft message addressed to one group's replica; packets between nodes carry lists of these. */
public record GroupMessage(int group, Message message) {
}
