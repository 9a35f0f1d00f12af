package io.conclave.check.linear;

import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A key-value register: {@code put} sets it; {@code get} reads it ({@code null} = absent); {@code cas}
 * swaps when the current value equals {@code expected} (absent when {@code expected} is {@code null}).
 * An ok cas with {@code swapped:false} is legal only when the value differs from {@code expected}.
 * States are the register's value, with a private sentinel for absent.
 *
 * <p>Values that no operation observes (no get returned them, no cas compared against them) behave
 * alike in every state, so as states they are all equal: the memo treats "some unobserved value" as
 * one state, and unknown puts of unobserved values are interchangeable.
 */
public final class RegisterModel implements Model<Object> {
    private static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "absent";
        }
    };

    private static final int UNOBSERVED_UNKNOWN_PUT = 0;

    private final Set<Object> observed = new HashSet<>();

    /** A model for the search over {@code ops}, the operations of one key. */
    public RegisterModel(List<Operation> ops) {
        for (Operation op : ops) {
            if (op.op() == OpType.GET && op.isOk()) {
                observed.add(orAbsent(op.value()));
            } else if (op.op() == OpType.CAS) {
                observed.add(orAbsent(op.expected()));
            }
        }
    }

    @Override
    public int interchangeableClass(Operation op) {
        boolean unknownPut = op.op() == OpType.PUT && op.outcome() == Outcome.UNKNOWN;
        return unknownPut && !observed.contains(op.value()) ? UNOBSERVED_UNKNOWN_PUT : -1;
    }

    private Object canonical(Object written) {
        return observed.contains(written) ? written : new Unobserved(written);
    }

    @Override
    public Object initial() {
        return ABSENT;
    }

    @Override
    public Object step(Object state, Operation op) {
        switch (op.op()) {
            case PUT:
                return canonical(op.value());
            case GET:
                return Objects.equals(state, orAbsent(op.value())) ? state : null;
            case CAS:
                return cas(state, op);
            default:
                throw new IllegalArgumentException("not a register operation: " + op);
        }
    }

    private Object cas(Object state, Operation op) {
        boolean matches = Objects.equals(state, orAbsent(op.expected()));
        if (!op.isOk()) {
            return matches ? canonical(op.value()) : state;
        }
        if (op.swapped()) {
            return matches ? canonical(op.value()) : null;
        }
        return matches ? null : state;
    }

    private static Object orAbsent(Object value) {
        return value == null ? ABSENT : value;
    }

    @Override
    public String describe(Object state) {
        if (state == ABSENT) {
            return "absent";
        }
        if (state instanceof Unobserved) {
            return HistoryWriter.scalarJson(((Unobserved) state).value);
        }
        return HistoryWriter.scalarJson(state);
    }

    /** A written value nothing observes; all of them are equal to each other, as states. */
    private static final class Unobserved {
        private final Object value;

        Unobserved(Object value) {
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unobserved;
        }

        @Override
        public int hashCode() {
            return 0x5eed;
        }
    }
}
