package io.conclave.check.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Records a history while a workload runs. A client calls {@link #invoke} before it sends a request
 * and completes the returned {@link Invocation} exactly once when it learns the outcome. Safe to call
 * from many client threads at once (one monitor; recording is off the system's hot path).
 *
 * <p>Enforces the format's client rules as it goes: a client has at most one invocation in flight,
 * and after an {@code unknown} outcome its id is retired, so the workload must continue under a new
 * id ({@link #newClient()}). Breaking either rule is a programmer error and throws
 * {@link IllegalStateException}.
 */
public final class HistoryRecorder {
    private final LongSupplier clockNs;
    private final List<Operation> completed = new ArrayList<>();
    private final Map<Integer, Invocation> inFlight = new HashMap<>();
    private final Set<Integer> retired = new HashSet<>();
    private int nextClient;

    /** A recorder stamping times from {@code clockNs}, one monotonic clock shared by all clients. */
    public HistoryRecorder(LongSupplier clockNs) {
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
    }

    /** A fresh client id, never used before by this recorder (larger than any id seen so far). */
    public synchronized int newClient() {
        return nextClient++;
    }

    /** Records that {@code client} invoked {@code request} now. */
    public synchronized Invocation invoke(int client, Request request) {
        Objects.requireNonNull(request, "request");
        if (retired.contains(client)) {
            throw new IllegalStateException("client " + client + " had an unknown outcome; continue under a new id");
        }
        if (inFlight.containsKey(client)) {
            throw new IllegalStateException("client " + client + " already has an operation in flight: "
                    + inFlight.get(client).request);
        }
        long callNs = clockNs.getAsLong();
        Invocation inv = new Invocation(client, request, callNs);
        inv.build(null, Outcome.UNKNOWN, null, null, null, null); // a malformed request fails here, not at completion
        nextClient = Math.max(nextClient, client + 1);
        inFlight.put(client, inv);
        return inv;
    }

    /**
     * The history so far, ordered by call time: every completed operation, plus every operation still
     * in flight as {@code unknown} (it may yet take effect).
     */
    public synchronized History history() {
        List<Operation> ops = new ArrayList<>(completed);
        for (Invocation inv : inFlight.values()) {
            ops.add(inv.build(null, Outcome.UNKNOWN, null, null, null, null));
        }
        ops.sort(Comparator.comparingLong(Operation::callNs).thenComparingInt(Operation::client));
        return History.of(ops);
    }

    /** Number of operations completed so far. */
    public synchronized int completedCount() {
        return completed.size();
    }

    private synchronized void complete(Invocation inv, Operation op) {
        if (inFlight.get(inv.client) != inv) {
            throw new IllegalStateException("invocation already completed: " + op);
        }
        inFlight.remove(inv.client);
        if (op.outcome() == Outcome.UNKNOWN) {
            retired.add(inv.client);
        }
        completed.add(op);
    }

    private synchronized long now() {
        return clockNs.getAsLong();
    }

    /** What a client asks for; the result fields are filled in when it completes. */
    public record Request(OpType op, String key, Object value, Object expected, Long from, Long to,
                          boolean prefix, Level level) {
        public Request {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(level, "level");
        }

        public static Request put(String key, Object value) {
            return new Request(OpType.PUT, key, value, null, null, null, false, Level.LINEARIZABLE);
        }

        public static Request get(String key) {
            return new Request(OpType.GET, key, null, null, null, null, false, Level.LINEARIZABLE);
        }

        public static Request cas(String key, Object expected, Object value) {
            return new Request(OpType.CAS, key, value, expected, null, null, false, Level.LINEARIZABLE);
        }

        public static Request append(String key, Object value) {
            return new Request(OpType.APPEND, key, value, null, null, null, false, Level.LINEARIZABLE);
        }

        /** A read of {@code [from, to)}; {@code to == null} reads to the tail. */
        public static Request read(String key, long from, Long to, boolean prefix) {
            return new Request(OpType.READ, key, null, null, from, to, prefix, Level.LINEARIZABLE);
        }

        /** The same request at another consistency level. */
        public Request at(Level newLevel) {
            return new Request(op, key, value, expected, from, to, prefix, newLevel);
        }
    }

    /** One invocation in flight; complete it exactly once with the method matching its operation. */
    public final class Invocation {
        private final int client;
        private final Request request;
        private final long callNs;

        private Invocation(int client, Request request, long callNs) {
            this.client = client;
            this.request = request;
            this.callNs = callNs;
        }

        /** The client that invoked it. */
        public int client() {
            return client;
        }

        /** A put that completed. */
        public Operation okPut() {
            return finish(OpType.PUT, Outcome.OK, null, null, null, null);
        }

        /** A get that read {@code value} ({@code null} = absent). */
        public Operation okGet(Object value) {
            return finish(OpType.GET, Outcome.OK, value, null, null, null);
        }

        /** A cas that completed; {@code swapped} says whether it swapped. */
        public Operation okCas(boolean swapped) {
            return finish(OpType.CAS, Outcome.OK, null, swapped, null, null);
        }

        /** An append acknowledged at {@code offset}. */
        public Operation okAppend(long offset) {
            return finish(OpType.APPEND, Outcome.OK, null, null, offset, null);
        }

        /** A read that returned {@code values} starting at the request's {@code from}. */
        public Operation okRead(List<?> values) {
            return finish(OpType.READ, Outcome.OK, null, null, null, new ArrayList<>(values));
        }

        /** The operation definitely did not happen. */
        public Operation fail() {
            return finish(request.op(), Outcome.FAIL, null, null, null, null);
        }

        /** The outcome is not known (timeout, lost connection); retires the client id. */
        public Operation unknown() {
            return finish(request.op(), Outcome.UNKNOWN, null, null, null, null);
        }

        private Operation finish(OpType expectedOp, Outcome outcome, Object got, Boolean swapped, Long offset,
                                 List<Object> values) {
            if (request.op() != expectedOp) {
                throw new IllegalStateException("cannot complete a " + request.op().wireName() + " as a "
                        + expectedOp.wireName());
            }
            Operation op = build(now(), outcome, got, swapped, offset, values);
            complete(this, op);
            return op;
        }

        private Operation build(Long returnNs, Outcome outcome, Object got, Boolean swapped, Long offset,
                                List<Object> values) {
            Object value = request.op() == OpType.GET ? got : request.value();
            return new Operation(client, request.op(), request.key(), value, request.expected(), swapped, offset,
                    request.from(), request.to(), request.prefix(), values, callNs, returnNs, request.level(), outcome);
        }
    }
}
