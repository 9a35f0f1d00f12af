package io.conclave.check.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One completed (or abandoned) operation of a history, exactly as one line of the JSON-lines format.
 * Fields that do not belong to an operation are {@code null} ({@code prefix} is {@code false}); the
 * constructor enforces which fields belong where, so an {@code Operation} that exists is well-formed
 * on its own. Rules that span operations (one operation in flight per client, unique values) are
 * checked by {@link History}.
 *
 * <p>Values are scalars: {@link String}, {@link Long}, {@link Double}, {@link Boolean} or {@code null};
 * other integral and floating types are widened to {@code Long} and {@code Double}.
 *
 * @param client   the logical process that issued it
 * @param op       what it did
 * @param key      the register's key or the partition
 * @param value    written value (put, cas, append) or the value read (get with outcome ok)
 * @param expected cas only: the value compared against ({@code null} = absent)
 * @param swapped  cas with outcome ok only: whether it swapped
 * @param offset   append with outcome ok only: the offset it was given
 * @param from     read only: the first offset
 * @param to       read only: the exclusive end, {@code null} for "to the tail"
 * @param prefix   read only: the server may have returned fewer entries than exist
 * @param values   read with outcome ok only: the values at {@code from}, {@code from + 1}, ...
 * @param callNs   when it was invoked
 * @param returnNs when it completed; {@code null} only for outcome unknown
 * @param level    the consistency level asked for
 * @param outcome  how it ended
 */
public record Operation(int client, OpType op, String key, Object value, Object expected, Boolean swapped,
                        Long offset, Long from, Long to, boolean prefix, List<Object> values,
                        long callNs, Long returnNs, Level level, Outcome outcome) {

    public Operation {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(outcome, "outcome");
        value = scalar(value, "value");
        expected = scalar(expected, "expected");
        if (values != null) {
            List<Object> copy = new ArrayList<>(values.size());
            for (Object v : values) {
                copy.add(scalar(v, "values"));
            }
            values = Collections.unmodifiableList(copy);
        }
        checkTimes(outcome, callNs, returnNs);
        checkFields(op, outcome, value, expected, swapped, offset, from, to, prefix, values);
    }

    /** True when the outcome is ok. */
    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    /** The return time, or {@link Long#MAX_VALUE} when unknown (it may take effect at any time after its call). */
    public long returnNsOrInfinity() {
        return outcome == Outcome.UNKNOWN || returnNs == null ? Long.MAX_VALUE : returnNs;
    }

    /** This operation as one line of the JSON-lines format (no trailing newline). */
    public String toJsonLine() {
        return HistoryWriter.toLine(this);
    }

    @Override
    public String toString() {
        return toJsonLine();
    }

    /** Starts building an operation; see {@link Builder}. */
    public static Builder builder(int client, OpType op, String key) {
        return new Builder(client, op, key);
    }

    private static void checkTimes(Outcome outcome, long callNs, Long returnNs) {
        if (returnNs == null && outcome != Outcome.UNKNOWN) {
            throw new IllegalArgumentException("return_ns is required for outcome " + outcome.wireName());
        }
        if (returnNs != null && returnNs < callNs) {
            throw new IllegalArgumentException("return_ns " + returnNs + " is before call_ns " + callNs);
        }
    }

    private static void checkFields(OpType op, Outcome outcome, Object value, Object expected, Boolean swapped,
                                    Long offset, Long from, Long to, boolean prefix, List<Object> values) {
        boolean ok = outcome == Outcome.OK;
        boolean writes = op == OpType.PUT || op == OpType.CAS || op == OpType.APPEND;
        if (writes && value == null) {
            throw new IllegalArgumentException(op.wireName() + " needs a non-null value");
        }
        if (op == OpType.GET && !ok && value != null) {
            throw new IllegalArgumentException("value belongs on a get only with outcome ok");
        }
        if (op == OpType.READ && value != null) {
            throw new IllegalArgumentException("value does not belong on a read (use values)");
        }
        if (op != OpType.CAS && expected != null) {
            throw new IllegalArgumentException("expected belongs on cas only");
        }
        requirePresence("swapped", swapped != null, op == OpType.CAS && ok, op, outcome);
        requirePresence("offset", offset != null, op == OpType.APPEND && ok, op, outcome);
        requirePresence("from", from != null, op == OpType.READ, op, outcome);
        requirePresence("values", values != null, op == OpType.READ && ok, op, outcome);
        if (op != OpType.READ && (to != null || prefix)) {
            throw new IllegalArgumentException((to != null ? "to" : "prefix") + " belongs on read only");
        }
        if (offset != null && offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        if (op == OpType.READ) {
            checkReadRange(from, to, values);
        }
    }

    private static void checkReadRange(long from, Long to, List<Object> values) {
        if (from < 0) {
            throw new IllegalArgumentException("from " + from + " is negative");
        }
        if (to != null && to < from) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (to != null && values != null && values.size() > to - from) {
            throw new IllegalArgumentException("read of [" + from + ", " + to + ") returned " + values.size() + " values");
        }
    }

    private static void requirePresence(String field, boolean present, boolean belongs, OpType op, Outcome outcome) {
        if (present && !belongs) {
            throw new IllegalArgumentException(field + " does not belong on " + op.wireName() + " with outcome "
                    + outcome.wireName());
        }
        if (!present && belongs) {
            throw new IllegalArgumentException(op.wireName() + " with outcome " + outcome.wireName()
                    + " needs " + field);
        }
    }

    static Object scalar(Object v, String field) {
        if (v instanceof Double && !Double.isFinite((Double) v) || v instanceof Float && !Float.isFinite((Float) v)) {
            throw new IllegalArgumentException(field + " must be a finite number, not " + v);
        }
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        throw new IllegalArgumentException(field + " must be a string, number, boolean or null, not "
                + v.getClass().getSimpleName());
    }

    /** A fluent way to build operations in tests and generators. */
    public static final class Builder {
        private final int client;
        private final OpType op;
        private final String key;
        private Object value;
        private Object expected;
        private Boolean swapped;
        private Long offset;
        private Long from;
        private Long to;
        private boolean prefix;
        private List<Object> values;
        private long callNs;
        private Long returnNs;
        private Level level = Level.LINEARIZABLE;

        private Builder(int client, OpType op, String key) {
            this.client = client;
            this.op = op;
            this.key = key;
        }

        public Builder value(Object v) { this.value = v; return this; }
        public Builder expected(Object v) { this.expected = v; return this; }
        public Builder swapped(boolean v) { this.swapped = v; return this; }
        public Builder offset(long v) { this.offset = v; return this; }
        public Builder from(long v) { this.from = v; return this; }
        public Builder to(Long v) { this.to = v; return this; }
        public Builder prefix(boolean v) { this.prefix = v; return this; }
        public Builder values(List<?> v) { this.values = v == null ? null : new ArrayList<>(v); return this; }
        public Builder level(Level v) { this.level = v; return this; }

        /** Sets the call and return times. */
        public Builder at(long callNs, long returnNs) {
            this.callNs = callNs;
            this.returnNs = returnNs;
            return this;
        }

        /** Sets the call time and no return time (for outcome unknown). */
        public Builder calledAt(long callNs) {
            this.callNs = callNs;
            this.returnNs = null;
            return this;
        }

        public Operation ok() { return build(Outcome.OK); }
        public Operation fail() { return build(Outcome.FAIL); }
        public Operation unknown() { return build(Outcome.UNKNOWN); }

        public Operation build(Outcome outcome) {
            return new Operation(client, op, key, value, expected, swapped, offset, from, to, prefix, values,
                    callNs, returnNs, level, outcome);
        }
    }
}
