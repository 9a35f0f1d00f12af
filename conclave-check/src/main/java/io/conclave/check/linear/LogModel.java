package io.conclave.check.linear;

import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A partition's log: an append adds its value at the end, and an acknowledged append must land at
 * exactly its recorded offset; a read returns exactly the slice {@code [from, min(to, len))}, or a
 * prefix of that slice when the read is marked {@code prefix}.
 *
 * <p>States are persistent, hash-consed logs: each {@link Log} is a node pointing at the log one
 * entry shorter, so an append is O(1), equal logs are the same object (identity equality keeps the
 * search's memo cheap), and skew-binary jump pointers give O(log n) access to any offset. One
 * instance per search: the intern table is not thread-safe and grows with the states explored.
 *
 * <p>Unknown appends carry no offset, so without help the search would try each one at every
 * position. The model prunes positions no valid linearization can use, from facts of the whole
 * history: a position is <em>pinned</em> when an acknowledged append has that offset or a read showed
 * it. An unknown append whose value some read showed can only sit where reads showed it (positions
 * never change once written). An unknown append nobody saw cannot sit at a pinned position (that
 * position holds some other, observed value), nor beyond the last pinned one (there it would be
 * invisible to every read and offset, so leaving it out gives an equally valid linearization).
 * Values no read showed behave alike, so the log stores one sentinel for all of them, and unknown
 * appends of such values are interchangeable.
 */
public final class LogModel implements Model<LogModel.Log> {
    private final Log empty = new Log(null, null);
    private final Map<InternKey, Log> interned = new HashMap<>();
    private final Set<Long> ackedOffsets = new HashSet<>();
    private final Map<Object, Set<Long>> seenAt = new HashMap<>();
    private long[] readStarts = new long[0];
    private long[] readEnds = new long[0];
    private final Set<Object> readValues = new HashSet<>();
    private long pinnedMax = -1;
    private static final Object UNSEEN = new Object() {
        @Override
        public String toString() {
            return "unseen";
        }
    };
    private static final int UNSEEN_UNKNOWN_APPEND = 0;

    /** A model for the search over {@code ops}, the operations of one partition. */
    public LogModel(List<Operation> ops) {
        Set<Object> unknownValues = new HashSet<>();
        List<long[]> ranges = new ArrayList<>();
        for (Operation op : ops) {
            if (op.op() == OpType.APPEND && op.isOk()) {
                ackedOffsets.add(op.offset());
                pinnedMax = Math.max(pinnedMax, op.offset());
            } else if (op.op() == OpType.APPEND) {
                unknownValues.add(op.value());
            } else if (op.op() == OpType.READ && op.isOk() && !op.values().isEmpty()) {
                ranges.add(new long[] {op.from(), op.from() + op.values().size()});
                pinnedMax = Math.max(pinnedMax, op.from() + op.values().size() - 1);
            }
        }
        for (Operation op : ops) {
            if (op.op() == OpType.READ && op.isOk()) {
                for (int i = 0; i < op.values().size(); i++) {
                    Object v = op.values().get(i);
                    readValues.add(v);
                    if (unknownValues.contains(v)) {
                        seenAt.computeIfAbsent(v, x -> new HashSet<>()).add(op.from() + i);
                    }
                }
            }
        }
        mergeReadRanges(ranges);
    }

    /** Keeps the union of the offsets reads showed as sorted, disjoint [start, end) intervals. */
    private void mergeReadRanges(List<long[]> ranges) {
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        readStarts = new long[merged.size()];
        readEnds = new long[merged.size()];
        for (int i = 0; i < merged.size(); i++) {
            readStarts[i] = merged.get(i)[0];
            readEnds[i] = merged.get(i)[1];
        }
    }

    private boolean pinned(long position) {
        if (ackedOffsets.contains(position)) {
            return true;
        }
        int i = java.util.Arrays.binarySearch(readStarts, position);
        int idx = i >= 0 ? i : -i - 2;
        return idx >= 0 && position < readEnds[idx];
    }

    private boolean unknownAppendMayLandAt(Object value, long position) {
        Set<Long> seen = seenAt.get(value);
        if (seen != null) {
            return seen.contains(position);
        }
        return position <= pinnedMax && !pinned(position);
    }

    @Override
    public Log initial() {
        return empty;
    }

    @Override
    public Log step(Log state, Operation op) {
        switch (op.op()) {
            case APPEND:
                if (op.isOk() ? op.offset() != state.length : !unknownAppendMayLandAt(op.value(), state.length)) {
                    return null;
                }
                Object stored = readValues.contains(op.value()) ? op.value() : UNSEEN;
                return interned.computeIfAbsent(new InternKey(state, stored), k -> new Log(k.parent, k.value));
            case READ:
                return readMatches(state, op) ? state : null;
            default:
                throw new IllegalArgumentException("not a log operation: " + op);
        }
    }

    private static boolean readMatches(Log state, Operation op) {
        long from = op.from();
        long end = op.to() == null ? state.length : Math.min(op.to(), state.length);
        long sliceLength = Math.max(0, end - from);
        int n = op.values().size();
        if (n > sliceLength || !op.prefix() && n != sliceLength) {
            return false;
        }
        Log node = state.ancestor(from + n);
        for (int i = n - 1; i >= 0; i--) {
            if (!Objects.equals(node.value, op.values().get(i))) {
                return false;
            }
            node = node.parent;
        }
        return true;
    }

    @Override
    public int interchangeableClass(Operation op) {
        boolean unknownAppend = op.op() == OpType.APPEND && !op.isOk();
        return unknownAppend && !readValues.contains(op.value()) ? UNSEEN_UNKNOWN_APPEND : -1;
    }

    @Override
    public String describe(Log state) {
        List<String> tail = new ArrayList<>();
        Log node = state;
        for (int i = 0; i < 5 && node.length > 0; i++) {
            tail.add(0, node.value == UNSEEN ? "(unseen)" : HistoryWriter.scalarJson(node.value));
            node = node.parent;
        }
        String shown = String.join(",", tail);
        return "log of length " + state.length + (state.length > 5 ? " ending [..," + shown + "]" : " [" + shown + "]");
    }

    private record InternKey(Log parent, Object value) {
    }

    /** An immutable log: {@code value} at offset {@code length - 1} on top of {@code parent}. */
    public static final class Log {
        private final Log parent;
        private final Log jump;
        private final Object value;
        private final long length;

        private Log(Log parent, Object value) {
            this.parent = parent;
            this.value = value;
            if (parent == null) {
                this.length = 0;
                this.jump = this;
            } else {
                this.length = parent.length + 1;
                Log j = parent.jump;
                this.jump = parent.length - j.length == j.length - j.jump.length ? j.jump : parent;
            }
        }

        /** Number of entries. */
        public long length() {
            return length;
        }

        /** The entries, oldest first (O(length); for explanations and tests). */
        public List<Object> toList() {
            List<Object> out = new ArrayList<>();
            for (Log n = this; n.length > 0; n = n.parent) {
                out.add(n.value);
            }
            java.util.Collections.reverse(out);
            return out;
        }

        /** The prefix of this log with exactly {@code len} entries, {@code len <= length}. */
        Log ancestor(long len) {
            Log n = this;
            while (n.length > len) {
                n = n.jump.length >= len ? n.jump : n.parent;
            }
            return n;
        }
    }
}
