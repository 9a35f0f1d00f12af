package io.conclave.check;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryReader;
import io.conclave.check.history.Level;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import java.util.Arrays;
import java.util.List;

/** Short factories for hand-written test histories. Times are plain numbers on one clock. */
public final class Ops {
    private Ops() {
    }

    public static History history(Operation... ops) {
        return History.of(Arrays.asList(ops));
    }

    public static History lines(String... lines) {
        return HistoryReader.parse(String.join("\n", lines));
    }

    public static Operation put(int client, String key, Object value, long call, long ret) {
        return Operation.builder(client, OpType.PUT, key).value(value).at(call, ret).ok();
    }

    public static Operation putUnknown(int client, String key, Object value, long call) {
        return Operation.builder(client, OpType.PUT, key).value(value).calledAt(call).unknown();
    }

    public static Operation putFail(int client, String key, Object value, long call, long ret) {
        return Operation.builder(client, OpType.PUT, key).value(value).at(call, ret).fail();
    }

    public static Operation get(int client, String key, Object value, long call, long ret) {
        return Operation.builder(client, OpType.GET, key).value(value).at(call, ret).ok();
    }

    public static Operation cas(int client, String key, Object expected, Object value, boolean swapped,
                                long call, long ret) {
        return Operation.builder(client, OpType.CAS, key).expected(expected).value(value).swapped(swapped)
                .at(call, ret).ok();
    }

    public static Operation casUnknown(int client, String key, Object expected, Object value, long call) {
        return Operation.builder(client, OpType.CAS, key).expected(expected).value(value).calledAt(call).unknown();
    }

    public static Operation append(int client, String key, Object value, long offset, long call, long ret) {
        return Operation.builder(client, OpType.APPEND, key).value(value).offset(offset).at(call, ret).ok();
    }

    public static Operation appendEventual(int client, String key, Object value, long offset, long call, long ret) {
        return Operation.builder(client, OpType.APPEND, key).value(value).offset(offset).level(Level.EVENTUAL)
                .at(call, ret).ok();
    }

    public static Operation appendUnknown(int client, String key, Object value, long call) {
        return Operation.builder(client, OpType.APPEND, key).value(value).calledAt(call).unknown();
    }

    public static Operation appendFail(int client, String key, Object value, long call, long ret) {
        return Operation.builder(client, OpType.APPEND, key).value(value).at(call, ret).fail();
    }

    /** A complete read of {@code [from, tail)}. */
    public static Operation read(int client, String key, long from, long call, long ret, Object... values) {
        return Operation.builder(client, OpType.READ, key).from(from).values(List.of(values)).at(call, ret).ok();
    }

    /** A complete read of {@code [from, to)}. */
    public static Operation readRange(int client, String key, long from, long to, long call, long ret,
                                      Object... values) {
        return Operation.builder(client, OpType.READ, key).from(from).to(to).values(List.of(values))
                .at(call, ret).ok();
    }

    /** A size-limited read of {@code [from, tail)} that may return fewer entries than exist. */
    public static Operation readPrefix(int client, String key, long from, long call, long ret, Object... values) {
        return Operation.builder(client, OpType.READ, key).from(from).prefix(true).values(List.of(values))
                .at(call, ret).ok();
    }
}
