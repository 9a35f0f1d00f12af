package io.conclave.multiraft.replica;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.message.ProposalForward;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The membership changes a rejoining replica asks its leader for (forwarded through Raft as
 * proposals): demote me to a learner; promote me back to a voter. The context, {@code
 * conclave:rejoin:<incarnation>}, marks them so an operator reading the log can tell them from
 * placement's changes, and lets the replica recognise its own demotion of this incarnation among the
 * changes it replays: one made by an earlier life (in a log it lost and is being re-sent) proves
 * nothing about what it holds now.
 *
 * <p>Both are retried, and a retry delayed in the network can reach the leader after the rejoin moved on.
 * A late promotion would override the membership's choice; the leader drops it ({@link
 * #withoutStalePromotions}). A late demotion is healed by the replica itself ({@code Rejoin.stepSettled}).
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

    /** Whether {@code cc} is a rejoin's promotion (of any incarnation): {@code ADD_VOTER} of one node, rejoin context. */
    static boolean isPromotion(ConfChange cc) {
        return cc.changes().size() == 1 && cc.changes().get(0).type() == ConfChangeType.ADD_VOTER
                && isRejoinRequest(cc);
    }

    /**
     * On a leader, before the core takes them: the proposals a follower forwarded, without the rejoin
     * promotions of nodes that {@code demoted} — the leader's set, as of the membership it applied last —
     * does not mark; {@code f} itself when there are none, null when nothing is left.
     *
     * <p>Exact where it matters. The core appends a membership change only when every change in its log is
     * applied ({@code CONF_CHANGE_PENDING} otherwise, and a refused forwarded proposal is dropped), so when
     * a promotion would be appended the set is the one at the end of the leader's log, which holds every
     * committed entry — the rejoiner's demotion, and whatever the membership did since. A rejoin asks for
     * its promotion only while its own applied set marks it, so a promotion unmarked at the leader is one
     * the membership overrode since (a placement or operator change, a removal: the node stays what it was
     * made) or one already granted (the retry would append a no-op). A leader that has not applied the
     * demotion yet has it unapplied in its log and refuses every change anyway; nothing is dropped there
     * that would have been appended, so no deferral is needed (the rejoiner retries every heartbeat
     * interval). The incarnation is not compared: a marked node is a learner only because a rejoin demoted
     * it, and promoting it back is what any of its lives asks for (a new life's own rejoin first waits for
     * its own demotion, which a promotion before it does not stop).
     */
    static ProposalForward withoutStalePromotions(ProposalForward f, RejoinDemoted demoted) {
        List<Entry> kept = null;
        List<Entry> entries = f.entries();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (isStalePromotion(e, demoted)) {
                if (kept == null) {
                    kept = new ArrayList<>(entries.subList(0, i));
                }
            } else if (kept != null) {
                kept.add(e);
            }
        }
        if (kept == null) {
            return f;
        }
        return kept.isEmpty() ? null : new ProposalForward(f.from(), f.to(), f.term(), kept);
    }

    private static boolean isStalePromotion(Entry e, RejoinDemoted demoted) {
        if (e.type() != EntryType.CONF_CHANGE) {
            return false;
        }
        ConfChange cc;
        try {
            cc = ConfChange.decode(e.data());
        } catch (IllegalArgumentException malformed) {
            return false; // the core drops it
        }
        return isPromotion(cc) && !demoted.contains(cc.changes().get(0).nodeId());
    }
}
