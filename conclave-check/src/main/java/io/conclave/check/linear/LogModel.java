package io.conclave.check.linear;

import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A partition's log: an append adds its value at the end, and an acknowledged append must land at
 * exactly its recorded offset; a read returns exactly the slice {@code [from, min(to, len))}, or a
 * prefix of that slice when the read is marked {@code prefix}.
 *
 * <p>States are persistent, hash-consed logs: each {@link Log} is a node pointing at the log one
 * entry shorter, so an append is O(1), equal logs are the same object (identity equality keeps the
 * search's memo cheap), and skew-binary jump pointers give O(log n) access to any offset. One
 * instance per search: the intern table is not thread-safe and grows with the states explored.
 */
public final class LogModel implements Model<LogModel.Log> {
    private final Log empty = new Log(null, null);
    private final Map<InternKey, Log> interned = new HashMap<>();

    @Override
    public Log initial() {
        return empty;
    }

    @Override
    public Log step(Log state, Operation op) {
        switch (op.op()) {
            case APPEND:
                if (op.isOk() && op.offset() != state.length) {
                    return null;
                }
                return interned.computeIfAbsent(new InternKey(state, op.value()), k -> new Log(k.parent, k.value));
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
    public String describe(Log state) {
        List<String> tail = new ArrayList<>();
        Log node = state;
        for (int i = 0; i < 5 && node.length > 0; i++) {
            tail.add(0, HistoryWriter.scalarJson(node.value));
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
