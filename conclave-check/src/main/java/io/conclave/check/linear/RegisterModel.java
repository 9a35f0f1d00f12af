package io.conclave.check.linear;

import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.Operation;
import java.util.Objects;

/**
 * A key-value register: {@code put} sets it; {@code get} reads it ({@code null} = absent); {@code cas}
 * swaps when the current value equals {@code expected} (absent when {@code expected} is {@code null}).
 * An ok cas with {@code swapped:false} is legal only when the value differs from {@code expected}.
 * States are the register's value, with a private sentinel for absent.
 */
public final class RegisterModel implements Model<Object> {
    private static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "absent";
        }
    };

    @Override
    public Object initial() {
        return ABSENT;
    }

    @Override
    public Object step(Object state, Operation op) {
        switch (op.op()) {
            case PUT:
                return op.value();
            case GET:
                return Objects.equals(state, orAbsent(op.value())) ? state : null;
            case CAS:
                return cas(state, op);
            default:
                throw new IllegalArgumentException("not a register operation: " + op);
        }
    }

    private static Object cas(Object state, Operation op) {
        boolean matches = Objects.equals(state, orAbsent(op.expected()));
        if (!op.isOk()) {
            return matches ? op.value() : state;
        }
        if (op.swapped()) {
            return matches ? op.value() : null;
        }
        return matches ? null : state;
    }

    private static Object orAbsent(Object value) {
        return value == null ? ABSENT : value;
    }

    @Override
    public String describe(Object state) {
        return state == ABSENT ? "absent" : HistoryWriter.scalarJson(state);
    }
}
