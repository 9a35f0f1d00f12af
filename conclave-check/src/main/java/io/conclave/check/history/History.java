package io.conclave.check.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An immutable, validated list of operations in the order they were given (a file's line order),
 * with grouping by key. Construction checks the rules that span operations (see
 * {@link HistoryValidator}); an invalid history throws {@link HistoryException}.
 */
public final class History {
    private final List<Operation> operations;
    private final Map<String, List<Operation>> byKey;

    private History(List<Operation> operations) {
        this.operations = Collections.unmodifiableList(new ArrayList<>(operations));
        Map<String, List<Operation>> groups = new TreeMap<>();
        for (Operation op : this.operations) {
            groups.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        Map<String, List<Operation>> frozen = new LinkedHashMap<>();
        groups.forEach((k, v) -> frozen.put(k, Collections.unmodifiableList(v)));
        this.byKey = Collections.unmodifiableMap(frozen);
    }

    /** A validated history of these operations; line numbers in errors are 1-based positions. */
    public static History of(List<Operation> operations) {
        int[] lines = new int[operations.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = i + 1;
        }
        return of(operations, lines);
    }

    /** A validated history; {@code lines[i]} is the line number reported for operation {@code i}. */
    static History of(List<Operation> operations, int[] lines) {
        HistoryValidator.validate(operations, lines);
        return new History(operations);
    }

    /** The empty history. */
    public static History empty() {
        return new History(List.of());
    }

    /** All operations, in their given order. */
    public List<Operation> operations() {
        return operations;
    }

    /** Number of operations. */
    public int size() {
        return operations.size();
    }

    /** Operations grouped by key, keys in sorted order, each group in the history's order. */
    public Map<String, List<Operation>> byKey() {
        return byKey;
    }

    /** The operations of one key (empty when the key does not occur). */
    public List<Operation> ofKey(String key) {
        return byKey.getOrDefault(key, List.of());
    }

    /** A history of the operations that match; still valid, since removing operations keeps the rules. */
    public History filter(Predicate<Operation> keep) {
        List<Operation> kept = new ArrayList<>();
        for (Operation op : operations) {
            if (keep.test(op)) {
                kept.add(op);
            }
        }
        return new History(kept);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof History && ((History) o).operations.equals(operations);
    }

    @Override
    public int hashCode() {
        return operations.hashCode();
    }

    @Override
    public String toString() {
        return "History[" + operations.size() + " operations, " + byKey.size() + " keys]";
    }
}
