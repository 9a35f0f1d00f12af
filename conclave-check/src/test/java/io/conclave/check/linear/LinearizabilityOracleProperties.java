package io.conclave.check.linear;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential test: on small random histories (valid or not), the search agrees with a brute-force
 * oracle that tries every subset of unknown operations in every real-time-respecting order against
 * its own, independently written sequential specifications.
 */
class LinearizabilityOracleProperties {
    private static final LinearizabilityChecker CHECKER =
            new LinearizabilityChecker(LinearizabilityConfig.defaults().withThreads(1));

    @Property(tries = 600)
    void theSearchAgreesWithBruteForceOnRegisters(@ForAll long seed) {
        History h = randomRegisterHistory(new Random(seed));
        agree(h);
    }

    @Property(tries = 600)
    void theSearchAgreesWithBruteForceOnLogs(@ForAll long seed) {
        History h = randomLogHistory(new Random(seed));
        agree(h);
    }

    private static void agree(History h) {
        boolean expected = Oracle.linearizable(h.operations());
        Verdict actual = CHECKER.check(h).get(0).verdict();
        Statistics.collect(expected ? "linearizable" : "not linearizable");
        Statistics.coverage(c -> {
            c.check("linearizable").percentage(p -> p > 10);
            c.check("not linearizable").percentage(p -> p > 10);
        });
        assertThat(actual).as("%s", HistoryWriter.toText(h)).isEqualTo(expected ? Verdict.VALID : Verdict.INVALID);
    }

    private static History randomRegisterHistory(Random rnd) {
        int n = 1 + rnd.nextInt(7);
        List<Operation> ops = new ArrayList<>();
        List<Object> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long call = rnd.nextInt(20);
            long ret = call + rnd.nextInt(10);
            Outcome outcome = outcome(rnd);
            Operation.Builder b;
            int kind = rnd.nextInt(3);
            if (kind == 0) {
                b = Operation.builder(i, OpType.PUT, "x").value("w" + i);
                written.add("w" + i);
            } else if (kind == 1) {
                b = Operation.builder(i, OpType.GET, "x");
                if (outcome == Outcome.OK) {
                    b.value(pick(rnd, written));
                }
            } else {
                b = Operation.builder(i, OpType.CAS, "x").value("w" + i).expected(pick(rnd, written));
                written.add("w" + i);
                if (outcome == Outcome.OK) {
                    b.swapped(rnd.nextBoolean());
                }
            }
            ops.add(time(b, outcome, call, ret));
        }
        return History.of(ops);
    }

    private static History randomLogHistory(Random rnd) {
        int n = 1 + rnd.nextInt(7);
        List<Operation> ops = new ArrayList<>();
        List<Object> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long call = rnd.nextInt(20);
            long ret = call + rnd.nextInt(10);
            Outcome outcome = outcome(rnd);
            Operation.Builder b;
            if (rnd.nextBoolean()) {
                b = Operation.builder(i, OpType.APPEND, "p").value("m" + i);
                written.add("m" + i);
                if (outcome == Outcome.OK) {
                    b.offset(rnd.nextInt(3));
                }
            } else {
                long from = rnd.nextInt(2);
                Long to = rnd.nextBoolean() ? null : from + rnd.nextInt(4);
                b = Operation.builder(i, OpType.READ, "p").from(from).to(to).prefix(rnd.nextInt(3) == 0);
                if (outcome == Outcome.OK) {
                    int max = to == null ? 3 : (int) Math.min(3, to - from);
                    List<Object> values = new ArrayList<>();
                    int size = rnd.nextInt(max + 1);
                    for (int k = 0; k < size && !written.isEmpty(); k++) {
                        values.add(written.get(rnd.nextInt(written.size())));
                    }
                    b.values(values);
                }
            }
            ops.add(time(b, outcome, call, ret));
        }
        return History.of(ops);
    }

    private static Outcome outcome(Random rnd) {
        int r = rnd.nextInt(10);
        return r < 7 ? Outcome.OK : r < 9 ? Outcome.UNKNOWN : Outcome.FAIL;
    }

    private static Object pick(Random rnd, List<Object> written) {
        int i = rnd.nextInt(written.size() + 2);
        return i < written.size() ? written.get(i) : i == written.size() ? null : "never";
    }

    private static Operation time(Operation.Builder b, Outcome outcome, long call, long ret) {
        return (outcome == Outcome.UNKNOWN ? b.calledAt(call) : b.at(call, ret)).build(outcome);
    }

    /** Exhaustive search with its own specifications; exponential, for a handful of operations. */
    static final class Oracle {
        private final List<Operation> ops = new ArrayList<>();
        private final boolean[] placed;
        private final boolean[] included;
        private final boolean log;

        private Oracle(List<Operation> all) {
            log = all.get(0).op().kind() == OpType.Kind.LOG;
            for (Operation op : all) {
                boolean read = op.op() == OpType.GET || op.op() == OpType.READ;
                if (op.outcome() != Outcome.FAIL && !(read && op.outcome() == Outcome.UNKNOWN)) {
                    ops.add(op);
                }
            }
            placed = new boolean[ops.size()];
            included = new boolean[ops.size()];
        }

        static boolean linearizable(List<Operation> all) {
            return new Oracle(all).anySubset(0);
        }

        private boolean anySubset(int i) {
            if (i == ops.size()) {
                return place(0, log ? new ArrayList<>() : null, 0);
            }
            included[i] = true;
            if (anySubset(i + 1)) {
                return true;
            }
            if (ops.get(i).outcome() == Outcome.UNKNOWN) {
                included[i] = false;
                return anySubset(i + 1);
            }
            return false;
        }

        private int count() {
            int c = 0;
            for (boolean b : included) {
                c += b ? 1 : 0;
            }
            return c;
        }

        private boolean place(int done, Object state, int depth) {
            if (depth == count()) {
                return true;
            }
            for (int i = 0; i < ops.size(); i++) {
                if (!included[i] || placed[i] || !mayGoNext(i)) {
                    continue;
                }
                Object[] next = new Object[1];
                if (apply(ops.get(i), state, next)) {
                    placed[i] = true;
                    boolean ok = place(done + 1, next[0], depth + 1);
                    placed[i] = false;
                    if (ok) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean mayGoNext(int i) {
            for (int j = 0; j < ops.size(); j++) {
                Operation a = ops.get(j);
                boolean mustPrecede = a.outcome() == Outcome.OK && a.returnNs() < ops.get(i).callNs();
                if (j != i && included[j] && !placed[j] && mustPrecede) {
                    return false;
                }
            }
            return true;
        }

        @SuppressWarnings("unchecked")
        private static boolean apply(Operation op, Object state, Object[] next) {
            if (op.op().kind() == OpType.Kind.LOG) {
                List<Object> log = new ArrayList<>((List<Object>) state);
                next[0] = log;
                if (op.op() == OpType.APPEND) {
                    if (op.isOk() && op.offset() != log.size()) {
                        return false;
                    }
                    log.add(op.value());
                    return true;
                }
                int end = (int) (op.to() == null ? log.size() : Math.min(op.to(), log.size()));
                List<Object> slice = op.from() >= end ? List.of() : log.subList(op.from().intValue(), end);
                List<Object> got = op.values();
                return op.prefix() ? got.size() <= slice.size() && got.equals(slice.subList(0, got.size()))
                        : got.equals(slice);
            }
            next[0] = state;
            switch (op.op()) {
                case PUT:
                    next[0] = op.value();
                    return true;
                case GET:
                    return Objects.equals(state, op.value());
                default:
                    boolean match = Objects.equals(state, op.expected());
                    if (op.isOk() && op.swapped() != match) {
                        return false;
                    }
                    next[0] = match ? op.value() : state;
                    return true;
            }
        }
    }
}
