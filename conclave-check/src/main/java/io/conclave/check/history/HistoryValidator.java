package io.conclave.check.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The format's rules that span operations: a client's operations never overlap in time and an
 * {@code unknown} outcome is its client's last operation (after it, the client takes a new id); a
 * key is either a register or a log, never both; values written to one key are unique.
 */
final class HistoryValidator {
    private HistoryValidator() {
    }

    static void validate(List<Operation> ops, int[] lines) {
        if (lines.length != ops.size()) {
            throw new IllegalArgumentException("lines " + lines.length + " != operations " + ops.size());
        }
        checkClients(ops, lines);
        checkKeys(ops, lines);
    }

    private static void checkClients(List<Operation> ops, int[] lines) {
        Map<Integer, List<Integer>> byClient = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            byClient.computeIfAbsent(ops.get(i).client(), c -> new ArrayList<>()).add(i);
        }
        for (List<Integer> idx : byClient.values()) {
            idx.sort(Comparator.comparingLong((Integer i) -> ops.get(i).callNs()).thenComparingInt(i -> lines[i]));
            for (int j = 1; j < idx.size(); j++) {
                Operation prev = ops.get(idx.get(j - 1));
                Operation next = ops.get(idx.get(j));
                int line = Math.max(lines[idx.get(j - 1)], lines[idx.get(j)]);
                if (prev.outcome() == Outcome.UNKNOWN) {
                    throw new HistoryException(line, "client " + prev.client() + " issued an operation at "
                            + next.callNs() + " after its unknown operation at " + prev.callNs()
                            + " (line " + lines[idx.get(j - 1)] + "); after an unknown outcome a client takes a new id");
                }
                if (prev.returnNs() > next.callNs()) {
                    throw new HistoryException(line, "client " + prev.client() + " has two operations in flight: ["
                            + prev.callNs() + ", " + prev.returnNs() + "] overlaps one called at " + next.callNs());
                }
            }
        }
    }

    private static void checkKeys(List<Operation> ops, int[] lines) {
        Map<String, Integer> kindLine = new HashMap<>();
        Map<String, OpType.Kind> kinds = new HashMap<>();
        Map<String, Map<Object, Integer>> written = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            OpType.Kind kind = op.op().kind();
            OpType.Kind seen = kinds.putIfAbsent(op.key(), kind);
            kindLine.putIfAbsent(op.key(), lines[i]);
            if (seen != null && seen != kind) {
                throw new HistoryException(lines[i], "key '" + op.key() + "' is used as a " + kindName(kind)
                        + " but line " + kindLine.get(op.key()) + " uses it as a " + kindName(seen));
            }
            if (op.op() == OpType.PUT || op.op() == OpType.CAS || op.op() == OpType.APPEND) {
                Integer before = written.computeIfAbsent(op.key(), k -> new HashMap<>()).putIfAbsent(op.value(), lines[i]);
                if (before != null) {
                    throw new HistoryException(lines[i], "value " + HistoryWriter.scalarJson(op.value())
                            + " is written to key '" + op.key() + "' twice (also line " + before
                            + "); values must be unique per key");
                }
            }
        }
    }

    private static String kindName(OpType.Kind kind) {
        return kind == OpType.Kind.REGISTER ? "register" : "log";
    }
}
