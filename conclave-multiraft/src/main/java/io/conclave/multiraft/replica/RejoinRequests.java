package io.conclave.multiraft.replica;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The membership changes a rejoining replica asks its leader for (forwarded through Raft as
 * proposals): demote me to a learner; promote me back to a voter. The context, {@code
 * conclave:rejoin:<incarnation>}, marks them so an operator reading the log can tell them from
 * placement's changes, and lets the replica recognise its own demotion of this incarnation among the
 * changes it replays: one made by an earlier life (in a log it lost and is being re-sent) proves
 * nothing about what it holds now.
 */
final class RejoinRequests {

    private static final String PREFIX = "conclave:rejoin:";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);

    private RejoinRequests() {
    }

    static byte[] context(long incarnation) {
        return (PREFIX + incarnation).getBytes(StandardCharsets.UTF_8);
    }

    static ConfChange demote(long nodeId, long incarnation) {
        return new ConfChange(ConfChangeTransition.AUTO,
                List.of(new ConfChangeSingle(ConfChangeType.ADD_LEARNER, nodeId)), context(incarnation));
    }

    static ConfChange promote(long nodeId, long incarnation) {
        return new ConfChange(ConfChangeTransition.AUTO,
                List.of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, nodeId)), context(incarnation));
    }

    /** Whether {@code cc} is a rejoin's request (a demotion or a promotion, of any incarnation). */
    static boolean isRejoinRequest(ConfChange cc) {
        byte[] ctx = cc.context();
        return ctx != null && ctx.length > PREFIX_BYTES.length
                && Arrays.equals(ctx, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
    }

    /** Whether {@code cc} is the demotion that incarnation {@code incarnation} of node {@code nodeId} asked for. */
    static boolean isDemotionBy(ConfChange cc, long nodeId, long incarnation) {
        return cc.changes().size() == 1 && cc.changes().get(0).type() == ConfChangeType.ADD_LEARNER
                && cc.changes().get(0).nodeId() == nodeId && Arrays.equals(cc.context(), context(incarnation));
    }
}
