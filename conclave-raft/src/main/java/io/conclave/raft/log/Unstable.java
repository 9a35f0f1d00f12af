package io.conclave.raft.log;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries and a snapshot the host has not yet persisted. {@code entries.get(i)} has index
 * {@code offset + i}; when a snapshot is pending, offset = its index + 1.
 */
final class Unstable {

    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    Unstable(long offset) {
        this.offset = offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    List<Entry> entries() {
        return entries;
    }

    long offset() {
        return offset;
    }

    /** The first index known here: only when a snapshot is pending. -1 otherwise. */
    long maybeFirstIndex() {
        return snapshot != null ? snapshot.index() + 1 : -1;
    }

    /** The last index known here, or -1. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot != null ? snapshot.index() : -1;
    }

    /** The term at {@code i} if known here, else -1. */
    long maybeTerm(long i) {
        if (i < offset) {
            return snapshot != null && snapshot.index() == i ? snapshot.term() : -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || i > last) {
            return -1;
        }
        return entries.get((int) (i - offset)).term();
    }

    /** The host persisted entries up to (i, t): drop them, if they are still ours. */
    void stableTo(long i, long t) {
        long gt = maybeTerm(i);
        if (gt != t || i < offset) {
            return; // replaced meanwhile by a conflicting append, or already stable
        }
        int n = (int) (i + 1 - offset);
        entries.subList(0, n).clear();
        offset = i + 1;
    }

    void stableSnapTo(long i) {
        if (snapshot != null && snapshot.index() == i) {
            snapshot = null;
        }
    }

    void restore(Snapshot s) {
        offset = s.index() + 1;
        entries.clear();
        snapshot = s;
    }

    void truncateAndAppend(List<Entry> ents) {
        long after = ents.get(0).index();
        if (after == offset + entries.size()) {
            entries.addAll(ents);
        } else if (after <= offset) {
            // Replaces everything we hold, and the stable log from `after` on (the host truncates it).
            offset = after;
            entries.clear();
            entries.addAll(ents);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(ents);
        }
    }

    /** Entries [lo, hi) held here; lo >= offset. */
    List<Entry> slice(long lo, long hi) {
        if (lo < offset || hi > offset + entries.size() || lo > hi) {
            throw new IllegalStateException("unstable slice [" + lo + ", " + hi + ") outside [" + offset + ", "
                    + (offset + entries.size()) + ")");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
