package io.conclave.storage.engine;

import io.conclave.raft.Entry;
import io.conclave.raft.storage.LogCompactedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the core sees it: entries [firstIndex, lastIndex] plus the dummy term at
 * firstIndex - 1. Entries from {@code tailStart} on are held in memory (written but not yet
 * materialized); those before it are read from the segments, which hold exactly them.
 *
 * <p>Invariant: view[firstIndex, tailStart) == segments[firstIndex, tailStart), and tailStart is at
 * most the lowest index any not-yet-materialized write rewrites, so materialization never changes
 * an entry the view reads from the segments. Guarded by the owning {@link GroupLog}'s monitor.
 */
final class GroupView {

    private final GroupSegments segments;
    long firstIndex = 1;
    long dummyTerm;
    long lastIndex;
    long tailStart = 1;
    /** The term at lastIndex, kept so that appending never waits for the segments. */
    private long lastTerm;
    private final ArrayList<Entry> tail = new ArrayList<>();

    GroupView(GroupSegments segments) {
        this.segments = segments;
    }

    /** Starts over as the materialized log: [first, segments.lastIndex] with nothing in memory. */
    void resetToSegments(long first, long dummy) {
        firstIndex = first;
        dummyTerm = dummy;
        lastIndex = segments.lastIndex();
        tail.clear();
        tailStart = lastIndex + 1;
        try {
            lastTerm = lastIndex == firstIndex - 1 ? dummy : segments.term(lastIndex);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the last term of the segments", e);
        }
    }

    /** An empty log after a snapshot at (index, term). */
    void resetTo(long index, long term) {
        firstIndex = index + 1;
        dummyTerm = term;
        lastIndex = index;
        tail.clear();
        tailStart = index + 1;
        lastTerm = term;
    }

    /** MemoryStorage's rule: the entries that survive compaction, or an empty list. Throws on a gap. */
    List<Entry> admissible(List<Entry> entries) {
        return admissible(firstIndex, lastIndex, entries);
    }

    /** {@link #admissible(List)} for a log [firstIndex, lastIndex]. */
    static List<Entry> admissible(long firstIndex, long lastIndex, List<Entry> entries) {
        if (entries.isEmpty()) {
            return entries;
        }
        long last = entries.get(0).index() + entries.size() - 1;
        if (last < firstIndex) {
            return List.of();
        }
        int skip = firstIndex > entries.get(0).index() ? (int) (firstIndex - entries.get(0).index()) : 0;
        List<Entry> add = entries.subList(skip, entries.size());
        if (add.get(0).index() > lastIndex + 1) {
            throw new IllegalArgumentException("append at " + add.get(0).index() + " leaves a gap after " + lastIndex);
        }
        return add;
    }

    /** Applies admissible entries (see {@link #admissible}). */
    void append(List<Entry> add) {
        if (add.isEmpty()) {
            return;
        }
        long start = add.get(0).index();
        if (start < tailStart) {
            tail.clear();
            tailStart = start;
        } else {
            int keep = (int) (start - tailStart);
            tail.subList(keep, tail.size()).clear();
        }
        tail.addAll(add);
        lastIndex = start + add.size() - 1;
        lastTerm = add.get(add.size() - 1).term();
    }

    /** MemoryStorage.compact on the view. */
    void compact(long compactIndex) {
        if (compactIndex < firstIndex) {
            return;
        }
        if (compactIndex > lastIndex) {
            throw new IllegalArgumentException("compact(" + compactIndex + ") beyond last index " + lastIndex);
        }
        dummyTerm = term(compactIndex);
        firstIndex = compactIndex + 1;
        trimTailBelow(firstIndex);
    }

    /** Drops in-memory entries below {@code index} (they are in the segments, or compacted). */
    void trimTailBelow(long index) {
        long to = Math.min(index, lastIndex + 1);
        if (to <= tailStart) {
            return;
        }
        tail.subList(0, (int) (to - tailStart)).clear();
        tailStart = to;
    }

    int tailSize() {
        return tail.size();
    }

    long term(long index) {
        if (index < firstIndex - 1) {
            throw new LogCompactedException(index, firstIndex);
        }
        if (index > lastIndex) {
            throw new IllegalArgumentException("term(" + index + ") beyond last index " + lastIndex);
        }
        if (index == firstIndex - 1) {
            return dummyTerm;
        }
        if (index == lastIndex) {
            return lastTerm;
        }
        if (index >= tailStart) {
            return tail.get((int) (index - tailStart)).term();
        }
        try {
            return segments.term(index);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the term of entry " + index, e);
        }
    }

    List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo < firstIndex) {
            throw new LogCompactedException(lo, firstIndex);
        }
        if (hi > lastIndex + 1) {
            throw new IllegalArgumentException("entries(" + lo + ", " + hi + ") beyond last index " + lastIndex);
        }
        List<Entry> out = new ArrayList<>();
        long size = 0;
        if (lo < tailStart && lo < hi) {
            List<Entry> stored;
            try {
                stored = segments.read(lo, Math.min(hi, tailStart), maxBytes);
            } catch (IOException e) {
                throw new UncheckedIOException("reading entries [" + lo + ", " + hi + ")", e);
            }
            for (Entry e : stored) {
                size += e.sizeBytes();
                if (!out.isEmpty() && size > maxBytes) {
                    return out;
                }
                out.add(e);
            }
            if (lo + out.size() < Math.min(hi, tailStart)) {
                return out;
            }
        }
        for (long i = Math.max(lo, tailStart); i < hi; i++) {
            Entry e = tail.get((int) (i - tailStart));
            size += e.sizeBytes();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
