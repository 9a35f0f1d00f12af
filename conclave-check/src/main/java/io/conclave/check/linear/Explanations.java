package io.conclave.check.linear;

import io.conclave.check.Verdict;
import io.conclave.check.history.Operation;
import java.util.List;

/** Human explanations of one key's search, with operations printed as history lines. */
final class Explanations {
    private static final int PREFIX_SHOWN_MAX = 6;
    private static final int CANDIDATES_SHOWN_MAX = 8;

    private Explanations() {
    }

    static String explain(String key, String model, Search.Outcome outcome, Search<?> s, int ops, long statesMax) {
        if (outcome.verdict() == Verdict.VALID) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (outcome.verdict() == Verdict.UNKNOWN) {
            b.append("key \"").append(key).append("\" (").append(model).append("): undecided; the search visited ")
                    .append(statesMax).append(" states (the budget) without deciding. Raise statesMaxPerKey, or spread ")
                    .append("the workload over more keys with fewer concurrent clients.\n");
            appendPrefix(b, s, ops);
            return b.toString();
        }
        b.append("key \"").append(key).append("\" (").append(model).append("): not linearizable.\n");
        appendPrefix(b, s, ops);
        if (s.stuck() != null) {
            b.append("This operation had to take effect before it returned, but could not be placed next")
                    .append(s.stuckContradictsState() ? " (its result contradicts that state)"
                            : " (every placement led to a dead end)")
                    .append(":\n  ").append(s.stuck().toJsonLine()).append('\n');
        }
        List<Operation> candidates = s.candidates();
        if (!candidates.isEmpty()) {
            b.append("Other operations that could go next, each rejected or leading only to dead ends:\n");
            appendLines(b, candidates, CANDIDATES_SHOWN_MAX, false);
        }
        return b.toString();
    }

    private static void appendPrefix(StringBuilder b, Search<?> s, int ops) {
        List<Operation> prefix = s.longestPrefix();
        b.append("The longest linearization found places ").append(prefix.size()).append(" of ").append(ops)
                .append(" operations; after it the ").append("state is ").append(s.stateAfterPrefix()).append(".\n");
        if (!prefix.isEmpty()) {
            b.append(prefix.size() > PREFIX_SHOWN_MAX ? "Its last operations:\n" : "Its operations:\n");
            appendLines(b, prefix, PREFIX_SHOWN_MAX, true);
        }
    }

    private static void appendLines(StringBuilder b, List<Operation> ops, int max, boolean tail) {
        int from = tail ? Math.max(0, ops.size() - max) : 0;
        int to = tail ? ops.size() : Math.min(ops.size(), max);
        if (tail && from > 0) {
            b.append("  ... ").append(from).append(" earlier\n");
        }
        for (int i = from; i < to; i++) {
            b.append("  ").append(ops.get(i).toJsonLine()).append('\n');
        }
        if (!tail && to < ops.size()) {
            b.append("  ... ").append(ops.size() - to).append(" more\n");
        }
    }
}
