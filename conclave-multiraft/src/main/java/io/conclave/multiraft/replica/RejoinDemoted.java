package io.conclave.multiraft.replica;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeType;
import io.conclave.raft.ConfState;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The members of a group that are learners only because a rejoin demoted them: a rejoin's demotion
 * (of any incarnation of the node) found them a voter, and no membership change has named them since.
 * A rejoin ends with a promotion only for these; every other learner is one by the membership's choice
 * (a node that only learns the controller group, a migration's target) and ends its rejoin a learner
 * (docs/multiraft.md, "Why a rejoin knows it was a voter").
 *
 * <p>A function of the group's committed membership changes alone, so every replica derives the same
 * set at the same index; a snapshot, which holds no log, carries the set at its index in its frame
 * ({@link SnapshotFrame}). Immutable; built on a replica's loop.
 */
record RejoinDemoted(SortedSet<Long> nodes) {

    static final RejoinDemoted NONE = new RejoinDemoted(Collections.emptySortedSet());

    RejoinDemoted {
        nodes = Collections.unmodifiableSortedSet(new TreeSet<>(nodes));
    }

    static RejoinDemoted of(Set<Long> nodes) {
        return nodes.isEmpty() ? NONE : new RejoinDemoted(new TreeSet<>(nodes));
    }

    boolean contains(long nodeId) {
        return nodes.contains(nodeId);
    }

    /**
     * The set after {@code cc} took the membership from {@code before} to {@code after}. A rejoin's
     * demotion that turned a voter into a learner adds it; one that found a learner changes nothing (a
     * learner's rejoin, or a voter's next incarnation after its demotion); any other change naming a node
     * (a placement's change, a removal, the rejoin's promotion) drops it: the membership has decided.
     */
    RejoinDemoted after(ConfChange cc, ConfState before, ConfState after) {
        TreeSet<Long> next = null;
        boolean rejoin = RejoinRequests.isRejoinRequest(cc);
        for (ConfChangeSingle c : cc.changes()) {
            long n = c.nodeId();
            boolean demotedByRejoin = rejoin && c.type() == ConfChangeType.ADD_LEARNER;
            if (demotedByRejoin && isLearner(before, n) && !isVoter(before, n)) {
                continue;
            }
            boolean add = demotedByRejoin && isVoter(before, n) && isLearner(after, n);
            if (add != nodes.contains(n)) {
                next = next == null ? new TreeSet<>(nodes) : next;
                if (add) {
                    next.add(n);
                } else {
                    next.remove(n);
                }
            }
        }
        return next == null ? this : new RejoinDemoted(next);
    }

    private static boolean isVoter(ConfState cs, long n) {
        return cs.voters().contains(n) || cs.votersOutgoing().contains(n);
    }

    private static boolean isLearner(ConfState cs, long n) {
        return cs.learners().contains(n) || cs.learnersNext().contains(n);
    }
}
