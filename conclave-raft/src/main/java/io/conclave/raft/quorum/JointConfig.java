package io.conclave.raft.quorum;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Two majority configurations that must both agree: the incoming one and, while a joint change is in
 * progress, the outgoing one (empty otherwise). Immutable.
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {

    public static final JointConfig EMPTY = new JointConfig(MajorityConfig.EMPTY, MajorityConfig.EMPTY);

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** Every voter of either half, sorted. */
    public SortedSet<Long> ids() {
        if (outgoing.isEmpty()) {
            return incoming.ids();
        }
        TreeSet<Long> all = new TreeSet<>(incoming.ids());
        all.addAll(outgoing.ids());
        return Collections.unmodifiableSortedSet(all);
    }

    /** The largest index that both halves have committed. */
    public long committedIndex(IndexLookup acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    public VoteResult voteResult(VoteLookup votes) {
        VoteResult a = incoming.voteResult(votes);
        VoteResult b = outgoing.voteResult(votes);
        if (a == b) {
            return a;
        }
        if (a == VoteResult.LOST || b == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }
}
