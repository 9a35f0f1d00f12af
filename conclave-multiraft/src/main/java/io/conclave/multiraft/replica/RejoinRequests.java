package io.conclave.multiraft.replica;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The membership changes a rejoining replica asks its leader for (forwarded through Raft as
 * proposals): demote me to a learner; promote me back to a voter. The context marks them so an
 * operator reading the log can tell them from placement's changes.
 */
final class RejoinRequests {

    static final byte[] CONTEXT = "conclave:rejoin".getBytes(StandardCharsets.UTF_8);

    private RejoinRequests() {
    }

    static ConfChange demote(long nodeId) {
        return new ConfChange(ConfChangeTransition.AUTO,
                List.of(new ConfChangeSingle(ConfChangeType.ADD_LEARNER, nodeId)), CONTEXT);
    }

    static ConfChange promote(long nodeId) {
        return new ConfChange(ConfChangeTransition.AUTO,
                List.of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, nodeId)), CONTEXT);
    }
}
