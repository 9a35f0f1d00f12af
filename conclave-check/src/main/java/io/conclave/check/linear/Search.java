package io.conclave.check.linear;

import io.conclave.check.Verdict;
import io.conclave.check.history.Operation;
import java.util.ArrayDeque;
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
    private final Set<CacheKey> cache = new HashSet<>();
    private final ArrayDeque<Frame<S>> stack = new ArrayDeque<>();
    private int bestDepth = -1;
    private List<Operation> bestPrefix = List.of();
    private Operation bestStuck;
    private List<Operation> bestCandidates = List.of();
    private String bestState = "";

    Search(Model<S> model, List<Operation> ops, long statesMax) {
        this.model = model;
        this.ops = ops;
        this.statesMax = statesMax;
        this.linearized = new LinearizedSet(ops.size());
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
            if (entry.isCall) {
                S next = model.step(state, ops.get(entry.id));
                if (next != null && remember(entry.id, next)) {
                    if (cache.size() > statesMax) {
                        recordDeepest(state, entry);
                        return new Outcome(Verdict.UNKNOWN, cache.size());
                    }
                    stack.push(new Frame<>(entry, state));
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
                Frame<S> frame = stack.pop();
                state = frame.state;
                linearized.clear(frame.entry.id);
                unlift(frame.entry);
                okRemaining += ops.get(frame.entry.id).isOk() ? 1 : 0;
                entry = frame.entry.next;
            }
        }
        return new Outcome(Verdict.VALID, cache.size());
    }

    private boolean remember(int id, S next) {
        linearized.set(id);
        if (cache.add(new CacheKey(linearized.snapshot(), next))) {
            return true;
        }
        linearized.clear(id);
        return false;
    }

    private void recordDeepest(S state, Entry blocking) {
        if (stack.size() <= bestDepth) {
            return;
        }
        bestDepth = stack.size();
        List<Operation> prefix = new ArrayList<>(stack.size());
        stack.descendingIterator().forEachRemaining(f -> prefix.add(ops.get(f.entry.id)));
        bestPrefix = prefix;
        bestStuck = blocking.isCall ? null : ops.get(blocking.id);
        List<Operation> candidates = new ArrayList<>();
        for (Entry e = head.next; e != null && e != blocking; e = e.next) {
            candidates.add(ops.get(e.id));
        }
        bestCandidates = candidates;
        bestState = model.describe(state);
    }

    List<Operation> longestPrefix() {
        return bestPrefix;
    }

    Operation stuck() {
        return bestStuck;
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
