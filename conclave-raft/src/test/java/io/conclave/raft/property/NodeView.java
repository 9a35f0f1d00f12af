package io.conclave.raft.property;

import io.conclave.raft.Entry;
import java.util.List;

/**
 * What the checker sees of one node at one instant: its volatile state when running, its
 * persisted state always, and its log (storage plus unstable entries when running, storage alone
 * when crashed).
 *
 * @param id the node
 * @param incarnation how many times the node has been (re)started; a restart begins a new one
 * @param up whether the node is running
 * @param leader whether the node is leader (false when crashed)
 * @param term the node's current term (the persisted one when crashed)
 * @param commitIndex the node's commit index (the persisted one when crashed)
 * @param persistedTerm the term in the hard state the host last wrote
 * @param persistedCommit the commit index in the hard state the host last wrote
 * @param firstIndex the first index held in {@code entries}; entry firstIndex - 1 is known by term only
 * @param dummyTerm the term of entry firstIndex - 1 (from the snapshot when compacted)
 * @param entries the entries [firstIndex, lastIndex]
 */
record NodeView(long id, int incarnation, boolean up, boolean leader, long term, long commitIndex,
                long persistedTerm, long persistedCommit, long firstIndex, long dummyTerm, List<Entry> entries) {

    long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    /** The term of entry {@code i}, or -1 when this node does not know it (compacted or beyond the log). */
    long termAt(long i) {
        if (i == firstIndex - 1) {
            return dummyTerm;
        }
        if (i < firstIndex || i > lastIndex()) {
            return -1;
        }
        return entries.get((int) (i - firstIndex)).term();
    }

    Entry entryAt(long i) {
        if (i < firstIndex || i > lastIndex()) {
            return null;
        }
        return entries.get((int) (i - firstIndex));
    }

    @Override
    public String toString() {
        return "node " + id + (up ? "" : " (down)") + (leader ? " LEADER" : "") + " term=" + term + " commit="
                + commitIndex + " log=[" + firstIndex + ".." + lastIndex() + "] " + entries;
    }
}
