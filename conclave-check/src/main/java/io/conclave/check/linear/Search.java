package io.conclave.check.linear;

import io.conclave.check.Verdict;
import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Wing–Gong–Lowe search over the operations of one key. Operations become call and return
 * entries in one doubly linked list in time order (a call before a return at the same instant, so
 * touching operations count as concurrent). The search walks the list from its head: at a call it
 * tries to linearize that operation now; if the model accepts and the (linearized set, state) pair is
 * new, it lifts the operation's entries out of the list and starts again from the head; at a return
 * it has found an operation that should already have taken effect, so it backtracks ("just" undo:
 * pop the last choice, put its entries back, and try the next call after it). Operations with
 * outcome unknown have no return entry (their return is +infinity), so they may take effect late or
 * never; the search succeeds once every ok operation is linearized.
 */
final class Search<S> {
    private final Model<S> model;
    private final List<Operation> ops;
    private final long statesMax;
    private final Entry head = new Entry(-1, true, Long.MIN_VALUE);
    private final LinearizedSet linearized;
    private final int[] classes;
    private final Set<CacheKey> cache = new HashSet<>();
    private final ArrayList<Frame<S>> stack = new ArrayList<>();
    private int bestDepth = -1;
    /** Operation ids of the deepest linearization; valid up to {@code bestDepth}. */
    private int[] bestPrefix = new int[0];
    /** Lowest stack depth since {@link #bestPrefix} was taken: entries below it are unchanged. */
    private int unchangedDepth;
    private Operation bestStuck;
    private List<Operation> bestCandidates = List.of();
    private String bestState = "";
    private boolean bestStuckContradicts;

    Search(Model<S> model, List<Operation> ops, long statesMax) {
        this.model = model;
        this.ops = ops;
        this.statesMax = statesMax;
        this.linearized = new LinearizedSet(ops.size());
        this.classes = new int[ops.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = model.interchangeableClass(ops.get(i));
        }
        buildEntries();
    }

    /** Runs the search; returns the verdict and, unless valid, the deepest point it reached. */
    Outcome run() {
        S state = model.initial();
        int okRemaining = (int) ops.stream().filter(Operation::isOk).count();
        Entry entry = head.next;
        while (okRemaining > 0) {
            if (entry == null) {
                throw new IllegalStateException("search ran off the entry list with " + okRemaining + " ok operations left");
            }
            if (entry.isCall && laterInterchangeableCandidate(entry)) {
                entry = entry.next;
            } else if (entry.isCall) {
                S next = model.step(state, ops.get(entry.id));
                if (next != null && remember(entry.id, next)) {
                    if (cache.size() > statesMax) {
                        recordDeepest(state, entry);
                        return new Outcome(Verdict.UNKNOWN, cache.size());
                    }
                    stack.add(new Frame<>(entry, state));
                    state = next;
                    lift(entry);
                    okRemaining -= ops.get(entry.id).isOk() ? 1 : 0;
                    entry = head.next;
                } else {
                    entry = entry.next;
                }
            } else {
                recordDeepest(state, entry);
                if (stack.isEmpty()) {
                    return new Outcome(Verdict.INVALID, cache.size());
                }
                Frame<S> frame = stack.remove(stack.size() - 1);
                unchangedDepth = Math.min(unchangedDepth, stack.size());
                state = frame.state;
                linearized.clear(frame.entry.id);
                unlift(frame.entry);
                okRemaining += ops.get(frame.entry.id).isOk() ? 1 : 0;
                entry = frame.entry.next;
            }
        }
        return new Outcome(Verdict.VALID, cache.size());
    }

    /** True when a later call before the next return is interchangeable with this one: try that one instead. */
    private boolean laterInterchangeableCandidate(Entry call) {
        int cls = classes[call.id];
        if (cls < 0) {
            return false;
        }
        for (Entry e = call.next; e != null && e.isCall; e = e.next) {
            if (classes[e.id] == cls) {
                return true;
            }
        }
        return false;
    }

    private boolean remember(int id, S next) {
        linearized.set(id);
        if (cache.add(new CacheKey(linearized.snapshot(), next))) {
            return true;
        }
        linearized.clear(id);
        return false;
    }

    /**
     * Remembers the deepest point reached, for the explanation. Only the part of the stack that changed
     * since the last time is copied, so a search that goes deeper step by step costs O(n) here, not O(n^2).
     */
    private void recordDeepest(S state, Entry blocking) {
        if (stack.size() <= bestDepth) {
            return;
        }
        bestDepth = stack.size();
        if (bestPrefix.length < bestDepth) {
            bestPrefix = java.util.Arrays.copyOf(bestPrefix, Math.max(bestDepth, 2 * bestPrefix.length));
        }
        for (int i = unchangedDepth; i < bestDepth; i++) {
            bestPrefix[i] = stack.get(i).entry.id;
        }
        unchangedDepth = bestDepth;
        bestStuck = blocking.isCall ? null : ops.get(blocking.id);
        bestStuckContradicts = bestStuck != null && model.step(state, bestStuck) == null;
        List<Operation> candidates = new ArrayList<>();
        for (Entry e = head.next; e != null && e != blocking; e = e.next) {
            if (e.id != blocking.id) {
                candidates.add(ops.get(e.id));
            }
        }
        bestCandidates = candidates;
        bestState = model.describe(state);
    }

    List<Operation> longestPrefix() {
        List<Operation> prefix = new ArrayList<>(Math.max(0, bestDepth));
        for (int i = 0; i < bestDepth; i++) {
            prefix.add(ops.get(bestPrefix[i]));
        }
        return prefix;
    }

    Operation stuck() {
        return bestStuck;
    }

    /** True when the stuck operation's own result contradicts the state after the longest prefix. */
    boolean stuckContradictsState() {
        return bestStuckContradicts;
    }

    List<Operation> candidates() {
        return bestCandidates;
    }

    String stateAfterPrefix() {
        return bestState;
    }

    private void buildEntries() {
        List<Entry> entries = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Entry call = new Entry(i, true, op.callNs());
            entries.add(call);
            if (op.isOk()) {
                Entry ret = new Entry(i, false, op.returnNs());
                call.match = ret;
                entries.add(ret);
            }
        }
        entries.sort(Comparator.comparingLong((Entry e) -> e.timeNs)
                .thenComparing(e -> !e.isCall)
                .thenComparingInt(e -> e.id));
        Entry prev = head;
        for (Entry e : entries) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
    }

    private static void lift(Entry call) {
        unlink(call);
        if (call.match != null) {
            unlink(call.match);
        }
    }

    private static void unlink(Entry e) {
        e.prev.next = e.next;
        if (e.next != null) {
            e.next.prev = e.prev;
        }
    }

    private static void unlift(Entry call) {
        if (call.match != null) {
            relink(call.match);
        }
        relink(call);
    }

    private static void relink(Entry e) {
        e.prev.next = e;
        if (e.next != null) {
            e.next.prev = e;
        }
    }

    /** The verdict and the number of distinct states visited. */
    record Outcome(Verdict verdict, long statesExplored) {
    }

    private static final class Entry {
        final int id;
        final boolean isCall;
        final long timeNs;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, boolean isCall, long timeNs) {
            this.id = id;
            this.isCall = isCall;
            this.timeNs = timeNs;
        }
    }

    private record Frame<S>(Entry entry, S state) {
    }

    private record CacheKey(LinearizedSet.Snapshot linearized, Object state) {
    }
}
