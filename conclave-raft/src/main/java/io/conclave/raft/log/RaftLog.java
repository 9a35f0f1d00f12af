package io.conclave.raft.log;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.LogCompactedException;
import io.conclave.raft.storage.RaftStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica's log: the host's stable storage followed by entries not yet persisted, plus the commit
 * and apply positions. Enforces the log's safety rules in code: committed entries are never
 * truncated, the commit index never moves back, appends never leave a gap.
 */
public final class RaftLog {

    private final RaftStorage storage;
    private final Unstable unstable;
    private long committed;
    /** Highest index handed to the host for applying (in a Ready not yet advanced). */
    private long applying;
    /** Highest index the host has applied. */
    private long applied;

    public RaftLog(RaftStorage storage, long committed, long applied) {
        this.storage = storage;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        this.unstable = new Unstable(last + 1);
        long a = Math.max(applied, first - 1);
        if (committed > last || a > last) {
            throw new IllegalStateException("persisted commit " + committed + " or applied " + a
                    + " beyond the log's last index " + last + ": storage is corrupt or from another replica");
        }
        // The commit index is volatile state in Raft: a host may persist it lazily (without waiting for
        // its fsync), so the persisted one may be older than a snapshot taken since or than what the
        // host applied before it rebuilt the node; both hold only committed entries.
        this.committed = Math.max(committed, a);
        this.applied = a;
        this.applying = a;
    }

    public long committed() {
        return committed;
    }

    public long applied() {
        return applied;
    }

    public long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i >= 0 ? i : storage.firstIndex();
    }

    public long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i >= 0 ? i : storage.lastIndex();
    }

    /** The last index the host has persisted (entries only; a pending snapshot counts as not persisted). */
    public long lastStableIndex() {
        if (unstable.snapshot() != null) {
            return 0;
        }
        return unstable.offset() - 1;
    }

    public long lastTerm() {
        return termOrZero(lastIndex());
    }

    /**
     * The term of entry {@code i}, or 0 when it is beyond the log or compacted away (the dummy entry
     * before firstIndex keeps its term).
     */
    public long termOrZero(long i) {
        long t = termOrNegative(i);
        return t < 0 ? 0 : t;
    }

    /** The term of entry {@code i}; -1 when compacted, 0 when beyond the log. */
    public long termOrNegative(long i) {
        long dummy = firstIndex() - 1;
        if (i < dummy) {
            return -1;
        }
        if (i > lastIndex()) {
            return 0;
        }
        long t = unstable.maybeTerm(i);
        if (t >= 0) {
            return t;
        }
        try {
            return storage.term(i);
        } catch (LogCompactedException e) {
            return -1;
        }
    }

    public boolean matchTerm(long i, long t) {
        if (i > lastIndex()) {
            return false;
        }
        long term = termOrNegative(i);
        return term >= 0 && term == t;
    }

    /** Whether a log ending at (lastIndex, term) is at least as up to date as ours (§5.4.1). */
    public boolean isUpToDate(long lastIndex, long term) {
        long ourTerm = lastTerm();
        return term > ourTerm || (term == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * Follower append (§5.3): if our log matches (prevIndex, prevTerm), append {@code ents} after it,
     * truncating a conflicting suffix, and commit up to min(leaderCommit, last new index). Returns the
     * last new index, or -1 when the logs do not match at prevIndex.
     */
    public long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("state machine safety: entry " + conflict
                        + " conflicts with the committed log (committed " + committed + ")");
            }
            int from = (int) (conflict - (prevIndex + 1));
            append(ents.subList(from, ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /**
     * The first entry of {@code ents} that is not already in our log with the same term (a conflict
     * or a new entry), or 0 when all are present.
     */
    long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}: the place a
     * leader should probe next after a rejection, skipping every entry of a divergent term.
     */
    public long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        while (i > 0) {
            long t = termOrNegative(i);
            if (t < 0) {
                return i; // compacted: stop here, the snapshot covers it
            }
            if (t <= term) {
                return i;
            }
            i--;
        }
        return 0;
    }

    /** Appends entries (contiguous, starting at or before lastIndex + 1). Returns the new last index. */
    public long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).index() - 1;
        if (after < committed) {
            throw new IllegalStateException("append after " + after + " would truncate committed entries (committed "
                    + committed + ")");
        }
        if (after > lastIndex()) {
            throw new IllegalStateException("append after " + after + " leaves a gap after " + lastIndex());
        }
        for (int i = 1; i < ents.size(); i++) {
            if (ents.get(i).index() != ents.get(i - 1).index() + 1) {
                throw new IllegalStateException("entries to append are not contiguous at " + ents.get(i).index());
            }
        }
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    public void commitTo(long toCommit) {
        if (toCommit <= committed) {
            return;
        }
        if (toCommit > lastIndex()) {
            throw new IllegalStateException("commit " + toCommit + " beyond the last index " + lastIndex());
        }
        committed = toCommit;
    }

    /** Leader commit (§5.4.2): only an entry of the leader's own term is committed by counting replicas. */
    public boolean maybeCommit(long maxIndex, long term) {
        if (maxIndex > committed && maxIndex <= lastIndex() && termOrZero(maxIndex) == term) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    /** Entries [lo, hi) limited to about maxBytes (at least one). Throws LogCompactedException. */
    public List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo >= hi) {
            return List.of();
        }
        if (lo < firstIndex()) {
            throw new LogCompactedException(lo, firstIndex());
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("slice [" + lo + ", " + hi + ") beyond last index " + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long size = 0;
        long uOffset = unstable.offset();
        if (lo < uOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, uOffset), maxBytes);
            for (Entry e : stored) {
                size += e.sizeBytes();
            }
            out.addAll(stored);
            if (stored.size() < Math.min(hi, uOffset) - lo) {
                return out; // the size limit stopped the stored part
            }
        }
        if (hi > uOffset) {
            for (Entry e : unstable.slice(Math.max(lo, uOffset), hi)) {
                size += e.sizeBytes();
                if (!out.isEmpty() && size > maxBytes) {
                    break;
                }
                out.add(e);
            }
        }
        return out;
    }

    /** Entries from {@code i} to the end, limited to about maxBytes. */
    public List<Entry> entriesFrom(long i, long maxBytes) {
        return slice(i, lastIndex() + 1, maxBytes);
    }

    public boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    public Snapshot pendingSnapshot() {
        return unstable.snapshot();
    }

    public List<Entry> unstableEntries() {
        return unstable.entries();
    }

    /** Committed entries not yet handed out for applying; none while a snapshot is pending. */
    public boolean hasNextCommittedEntries() {
        return !hasPendingSnapshot() && committed > applying;
    }

    public List<Entry> nextCommittedEntries(long maxBytes) {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        long lo = Math.max(applying + 1, firstIndex());
        return slice(lo, committed + 1, maxBytes);
    }

    /** The host was handed entries up to {@code i} to apply. */
    public void applyingTo(long i) {
        if (i > committed) {
            throw new IllegalStateException("applying " + i + " beyond committed " + committed);
        }
        applying = Math.max(applying, i);
    }

    /** The host applied entries up to {@code i}. */
    public void appliedTo(long i) {
        if (i > committed) {
            throw new IllegalStateException("applied " + i + " beyond committed " + committed);
        }
        applied = Math.max(applied, i);
        applying = Math.max(applying, applied);
    }

    public void stableTo(long i, long t) {
        unstable.stableTo(i, t);
    }

    public void stableSnapTo(long i) {
        unstable.stableSnapTo(i);
    }

    /** Replaces the log with a snapshot (the log did not contain its last entry). */
    public void restore(Snapshot s) {
        if (s.index() < committed) {
            throw new IllegalStateException("restoring snapshot " + s.index() + " below committed " + committed);
        }
        committed = s.index();
        unstable.restore(s);
    }

    /** The applied and applying marks after a snapshot was installed by the host. */
    public void snapshotApplied(long index) {
        applied = Math.max(applied, index);
        applying = Math.max(applying, index);
    }
}
