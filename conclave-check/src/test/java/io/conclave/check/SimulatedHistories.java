package io.conclave.check;

import io.conclave.check.history.History;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Generates histories of a correct system: clients issue operations with random timing, each
 * operation that takes effect gets a random linearization point inside its interval (unknown ones
 * anywhere after their call, possibly after the client gave up), and results come from applying the
 * operations in that order to a real register or log. Such histories are linearizable by
 * construction.
 */
public final class SimulatedHistories {
    private final Random rnd;
    private final double unknownRate;
    private final double failRate;
    private int nextClient;

    public SimulatedHistories(Random rnd, double unknownRate, double failRate) {
        this.rnd = rnd;
        this.unknownRate = unknownRate;
        this.failRate = failRate;
    }

    /** Register keys {@code r0, r1, ...}, each with {@code clients} concurrent clients. */
    public History registers(int keys, int clients, int opsPerKey) {
        List<Operation> all = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            all.addAll(simulate("r" + k, clients, opsPerKey, false));
        }
        all.sort(Comparator.comparingLong(Operation::callNs));
        return History.of(all);
    }

    /** Partitions {@code p0, p1, ...}, each with {@code clients} concurrent clients. */
    public History logs(int keys, int clients, int opsPerKey) {
        List<Operation> all = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            all.addAll(simulate("p" + k, clients, opsPerKey, true));
        }
        all.sort(Comparator.comparingLong(Operation::callNs));
        return History.of(all);
    }

    private List<Operation> simulate(String key, int clients, int ops, boolean log) {
        int[] ids = new int[clients];
        long[] free = new long[clients];
        for (int c = 0; c < clients; c++) {
            ids[c] = nextClient++;
            free[c] = rnd.nextInt(50);
        }
        List<Planned> planned = new ArrayList<>();
        List<Object> written = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            int c = rnd.nextInt(clients);
            long call = free[c] + rnd.nextInt(20);
            long duration = 1 + rnd.nextInt(100);
            Planned p = new Planned(ids[c], call, call + duration, roll());
            p.lin = call + (long) (rnd.nextDouble() * duration);
            if (p.outcome == Outcome.UNKNOWN) {
                p.effect = rnd.nextBoolean();
                p.lin = call + (long) (rnd.nextDouble() * duration * 3);
                ids[c] = nextClient++;
            } else {
                p.effect = p.outcome == Outcome.OK;
            }
            free[c] = p.ret;
            choose(p, key, written, log);
            planned.add(p);
        }
        apply(planned, log);
        List<Operation> out = new ArrayList<>();
        for (Planned p : planned) {
            out.add(p.toOperation(key));
        }
        return out;
    }

    private Outcome roll() {
        double r = rnd.nextDouble();
        return r < unknownRate ? Outcome.UNKNOWN : r < unknownRate + failRate ? Outcome.FAIL : Outcome.OK;
    }

    private void choose(Planned p, String key, List<Object> written, boolean log) {
        double r = rnd.nextDouble();
        String fresh = key + "-c" + p.client + "-" + written.size();
        if (log) {
            if (r < 0.5) {
                p.op = OpType.APPEND;
                p.value = fresh;
                written.add(fresh);
            } else {
                p.op = OpType.READ;
                p.from = (long) rnd.nextInt(written.size() + 2);
                p.to = rnd.nextBoolean() ? null : p.from + rnd.nextInt(6);
                p.prefix = rnd.nextInt(4) == 0;
                if (rnd.nextInt(4) == 0) {
                    p.from = 0L;
                    p.to = null;
                    p.prefix = false;
                }
            }
            return;
        }
        if (r < 0.4) {
            p.op = OpType.PUT;
            p.value = fresh;
            written.add(fresh);
        } else if (r < 0.8) {
            p.op = OpType.GET;
        } else {
            p.op = OpType.CAS;
            p.expected = written.isEmpty() || rnd.nextInt(5) == 0 ? null : written.get(written.size() - 1 - rnd.nextInt(Math.min(3, written.size())));
            p.value = fresh;
            written.add(fresh);
        }
    }

    /** Applies the operations that took effect in linearization order and fills in their results. */
    private void apply(List<Planned> planned, boolean log) {
        List<Planned> effective = new ArrayList<>();
        for (Planned p : planned) {
            if (p.effect) {
                effective.add(p);
            }
        }
        effective.sort(Comparator.comparingLong((Planned p) -> p.lin));
        Object register = null;
        List<Object> entries = new ArrayList<>();
        for (Planned p : effective) {
            if (log) {
                applyLog(p, entries);
            } else {
                register = applyRegister(p, register);
            }
        }
    }

    private static Object applyRegister(Planned p, Object state) {
        switch (p.op) {
            case PUT:
                return p.value;
            case GET:
                p.value = state;
                return state;
            default:
                p.swapped = Objects.equals(state, p.expected);
                return p.swapped ? p.value : state;
        }
    }

    private void applyLog(Planned p, List<Object> entries) {
        if (p.op == OpType.APPEND) {
            p.offset = (long) entries.size();
            entries.add(p.value);
            return;
        }
        long end = p.to == null ? entries.size() : Math.min(p.to, entries.size());
        List<Object> slice = new ArrayList<>();
        for (long o = p.from; o < end; o++) {
            slice.add(entries.get((int) o));
        }
        if (p.prefix && !slice.isEmpty()) {
            slice = new ArrayList<>(slice.subList(0, rnd.nextInt(slice.size() + 1)));
        }
        p.values = slice;
    }

    /** The history with one ok read or get changed to show a value nobody wrote; null when none qualifies. */
    public static History withImpossibleRead(History h, Random rnd) {
        List<Integer> eligible = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            Operation op = h.operations().get(i);
            boolean room = op.op() == OpType.READ && op.isOk() && (!op.values().isEmpty() || op.to() == null || op.to() > op.from());
            if (op.isOk() && (op.op() == OpType.GET || room)) {
                eligible.add(i);
            }
        }
        if (eligible.isEmpty()) {
            return null;
        }
        int victim = eligible.get(rnd.nextInt(eligible.size()));
        List<Operation> ops = new ArrayList<>(h.operations());
        Operation op = ops.get(victim);
        Operation.Builder b = Operation.builder(op.client(), op.op(), op.key()).level(op.level())
                .at(op.callNs(), op.returnNs());
        if (op.op() == OpType.GET) {
            b.value("never-written");
        } else {
            List<Object> values = new ArrayList<>(op.values());
            if (values.isEmpty()) {
                values.add("never-written");
            } else {
                values.set(rnd.nextInt(values.size()), "never-written");
            }
            b.from(op.from()).to(op.to()).prefix(op.prefix()).values(values);
        }
        ops.set(victim, b.ok());
        return History.of(ops);
    }

    private static final class Planned {
        final int client;
        final long call;
        final long ret;
        final Outcome outcome;
        long lin;
        boolean effect;
        OpType op;
        Object value;
        Object expected;
        Boolean swapped;
        Long offset;
        Long from;
        Long to;
        boolean prefix;
        List<Object> values;

        Planned(int client, long call, long ret, Outcome outcome) {
            this.client = client;
            this.call = call;
            this.ret = ret;
            this.outcome = outcome;
        }

        Operation toOperation(String key) {
            Operation.Builder b = Operation.builder(client, op, key);
            if (outcome == Outcome.UNKNOWN) {
                b.calledAt(call);
            } else {
                b.at(call, ret);
            }
            boolean ok = outcome == Outcome.OK;
            if (op == OpType.GET) {
                b.value(ok ? value : null);
            } else if (op != OpType.READ) {
                b.value(value);
            }
            if (op == OpType.CAS) {
                b.expected(expected);
                if (ok) {
                    b.swapped(swapped);
                }
            }
            if (op == OpType.APPEND && ok) {
                b.offset(offset);
            }
            if (op == OpType.READ) {
                b.from(from).to(to).prefix(prefix).values(ok ? values : null);
            }
            return b.build(outcome);
        }
    }
}
