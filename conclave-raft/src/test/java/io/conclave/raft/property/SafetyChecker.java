package io.conclave.raft.property;

import io.conclave.raft.Entry;
import io.conclave.raft.property.SafetyViolation.Invariant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety invariants (Raft paper, Figure 3), checked over a whole run from views of every
 * node taken after each step, plus the host's apply and snapshot events. Remembers what it has
 * seen so that a property that spans time (terms never go back, a leader only appends, committed
 * entries reach every later leader) is checked against all of history. Throws
 * {@link SafetyViolation} naming the invariant.
 */
final class SafetyChecker {

    /** What the checker knows of a committed index. */
    private record Committed(long term, long commitTerm) {
    }

    /** A leader's log as last seen in its term. */
    private record LeaderMark(int incarnation, long term, long fromIndex, long[] terms) {
    }

    /** An entry applied at an index and the state machine digest after it. */
    private record Applied(Entry entry, long chain) {
    }

    private static final int TERM_BITS = 24;

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** Keyed by (index, term): the one entry with that position and the term of its predecessor. */
    private final Map<Long, Entry> entryAt = new HashMap<>();
    private final Map<Long, Long> prevTermOf = new HashMap<>();
    private final Map<Long, Committed> committed = new HashMap<>();
    private long committedUpTo;
    private final Map<Long, LeaderMark> leaderMarks = new HashMap<>();
    private final Map<Long, Applied> appliedAt = new HashMap<>();
    private final Map<Long, long[]> volatileSeen = new HashMap<>();
    private final Map<Long, long[]> persistedSeen = new HashMap<>();

    /** Checks every invariant over the nodes as they are now. */
    void check(List<NodeView> views) {
        for (NodeView v : views) {
            checkMonotonic(v);
            checkLogMatching(v);
        }
        for (NodeView v : views) {
            recordCommits(v, views);
        }
        for (NodeView v : views) {
            checkCommittedPrefix(v);
            if (v.leader()) {
                checkElectionSafety(v);
                checkAppendOnly(v);
            } else {
                leaderMarks.remove(v.id());
            }
        }
    }

    /** The host of {@code node} applied {@code e}; {@code chain} digests its state machine after it. */
    void onApply(long node, Entry e, long chain) {
        Applied prev = appliedAt.putIfAbsent(e.index(), new Applied(e, chain));
        if (prev != null && (!prev.entry.equals(e) || prev.chain != chain)) {
            throw new SafetyViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " applied " + e
                    + " (digest " + chain + ") at index " + e.index() + " where another applied " + prev.entry
                    + " (digest " + prev.chain + ")");
        }
        Committed c = committed.get(e.index());
        if (c != null && c.term >= 0 && c.term != e.term()) {
            throw new SafetyViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " applied " + e
                    + " but the entry committed at " + e.index() + " has term " + c.term);
        }
    }

    /** The host of {@code node} installed a snapshot at {@code index} whose state digests to {@code chain}. */
    void onSnapshotInstalled(long node, long index, long chain) {
        if (index == 0) {
            return;
        }
        Applied a = appliedAt.get(index);
        if (a == null || a.chain != chain) {
            throw new SafetyViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " installed a snapshot at "
                    + index + " with digest " + chain + " but the state applied there was "
                    + (a == null ? "never seen" : "digest " + a.chain));
        }
    }

    /** The entry applied at {@code index} by any node, or null. */
    Entry appliedEntry(long index) {
        Applied a = appliedAt.get(index);
        return a == null ? null : a.entry;
    }

    private void checkElectionSafety(NodeView v) {
        Long prev = leaderOfTerm.putIfAbsent(v.term(), v.id());
        if (prev == null) {
            checkNewLeaderComplete(v);
        } else if (prev != v.id()) {
            throw new SafetyViolation(Invariant.ELECTION_SAFETY, "nodes " + prev + " and " + v.id()
                    + " both leader in term " + v.term());
        }
    }

    private void checkMonotonic(NodeView v) {
        long[] p = persistedSeen.computeIfAbsent(v.id(), k -> new long[2]);
        if (v.persistedTerm() < p[0]) {
            throw new SafetyViolation(Invariant.TERM_MONOTONIC, "node " + v.id() + " persisted term "
                    + v.persistedTerm() + " after " + p[0]);
        }
        if (v.persistedCommit() < p[1]) {
            throw new SafetyViolation(Invariant.COMMIT_MONOTONIC, "node " + v.id() + " persisted commit "
                    + v.persistedCommit() + " after " + p[1]);
        }
        p[0] = v.persistedTerm();
        p[1] = v.persistedCommit();
        if (!v.up()) {
            return;
        }
        if (v.term() < v.persistedTerm() || v.commitIndex() < v.persistedCommit()) {
            throw new SafetyViolation(v.term() < v.persistedTerm() ? Invariant.TERM_MONOTONIC
                    : Invariant.COMMIT_MONOTONIC, "node " + v.id() + " runs at term " + v.term() + " commit "
                    + v.commitIndex() + " below its persisted term " + v.persistedTerm() + " commit "
                    + v.persistedCommit());
        }
        long[] s = volatileSeen.get(v.id());
        if (s != null && s[0] == v.incarnation()) {
            if (v.term() < s[1]) {
                throw new SafetyViolation(Invariant.TERM_MONOTONIC, "node " + v.id() + " term went from " + s[1]
                        + " to " + v.term());
            }
            if (v.commitIndex() < s[2]) {
                throw new SafetyViolation(Invariant.COMMIT_MONOTONIC, "node " + v.id() + " commit went from "
                        + s[2] + " to " + v.commitIndex());
            }
        }
        volatileSeen.put(v.id(), new long[] {v.incarnation(), v.term(), v.commitIndex()});
    }

    private static long key(long index, long term) {
        if (term >= (1L << TERM_BITS)) {
            throw new IllegalStateException("term " + term + " too large for the checker's keys");
        }
        return (index << TERM_BITS) | term;
    }

    /**
     * Log matching, over all of history: an (index, term) pair names one entry, and that entry
     * always follows an entry of the same term. By induction, equal (index, term) means equal
     * prefixes down to where either log was compacted.
     */
    private void checkLogMatching(NodeView v) {
        long prevTerm = v.dummyTerm();
        for (Entry e : v.entries()) {
            long k = key(e.index(), e.term());
            Entry known = entryAt.putIfAbsent(k, e);
            if (known != null && known != e && !known.equals(e)) {
                throw new SafetyViolation(Invariant.LOG_MATCHING, "two different entries at index " + e.index()
                        + " term " + e.term() + ": " + known + " and, on node " + v.id() + ", " + e);
            }
            Long knownPrev = prevTermOf.putIfAbsent(k, prevTerm);
            if (knownPrev != null && knownPrev != prevTerm) {
                throw new SafetyViolation(Invariant.LOG_MATCHING, "entry " + e + " follows an entry of term "
                        + prevTerm + " on node " + v.id() + " but one of term " + knownPrev + " elsewhere: "
                        + v);
            }
            prevTerm = e.term();
        }
    }

    /** Notes indexes newly committed on {@code v}, and the term in which they were known committed. */
    private void recordCommits(NodeView v, List<NodeView> views) {
        long commit = v.up() ? v.commitIndex() : v.persistedCommit();
        for (long i = committedUpTo + 1; i <= commit; i++) {
            Committed c = new Committed(v.termAt(i), v.term());
            committed.put(i, c);
            for (NodeView l : views) {
                if (l.leader() && l.term() > c.commitTerm) {
                    requireHolds(l, i, c, "current leader");
                }
            }
        }
        committedUpTo = Math.max(committedUpTo, commit);
    }

    /** Every committed entry that {@code v} holds (up to its commit index) is the committed one. */
    private void checkCommittedPrefix(NodeView v) {
        long commit = v.up() ? v.commitIndex() : v.persistedCommit();
        for (long i = Math.max(1, v.firstIndex() - 1); i <= Math.min(commit, v.lastIndex()); i++) {
            Committed c = committed.get(i);
            long t = v.termAt(i);
            if (c != null && c.term >= 0 && t >= 0 && t != c.term) {
                throw new SafetyViolation(Invariant.STATE_MACHINE_SAFETY, "node " + v.id() + " has term " + t
                        + " at committed index " + i + " where term " + c.term + " was committed: " + v);
            }
        }
    }

    private void checkNewLeaderComplete(NodeView v) {
        for (Map.Entry<Long, Committed> e : committed.entrySet()) {
            if (e.getValue().commitTerm < v.term()) {
                requireHolds(v, e.getKey(), e.getValue(), "new leader");
            }
        }
    }

    private void requireHolds(NodeView leader, long index, Committed c, String what) {
        if (c.term < 0 || index < leader.firstIndex() - 1) {
            return; // compacted away: covered by the leader's snapshot, checked when applied
        }
        long t = leader.termAt(index);
        if (t != c.term) {
            throw new SafetyViolation(Invariant.LEADER_COMPLETENESS, what + " " + leader.id() + " of term "
                    + leader.term() + " has " + (t < 0 ? "no entry" : "term " + t) + " at index " + index
                    + ", committed with term " + c.term + " (known committed in term " + c.commitTerm + "): "
                    + leader);
        }
    }

    private void checkAppendOnly(NodeView v) {
        LeaderMark m = leaderMarks.get(v.id());
        if (m != null && m.incarnation == v.incarnation() && m.term == v.term()) {
            for (int k = 0; k < m.terms.length; k++) {
                long i = m.fromIndex + k;
                if (i < v.firstIndex() - 1) {
                    continue; // compacted
                }
                long t = v.termAt(i);
                if (t != m.terms[k]) {
                    throw new SafetyViolation(Invariant.LEADER_APPEND_ONLY, "leader " + v.id() + " of term "
                            + v.term() + " had term " + m.terms[k] + " at index " + i + " and now has "
                            + (t < 0 ? "none" : "term " + t) + ": " + v);
                }
            }
        }
        long[] terms = new long[v.entries().size()];
        for (int k = 0; k < terms.length; k++) {
            terms[k] = v.entries().get(k).term();
        }
        leaderMarks.put(v.id(), new LeaderMark(v.incarnation(), v.term(), v.firstIndex(), terms));
    }
}
