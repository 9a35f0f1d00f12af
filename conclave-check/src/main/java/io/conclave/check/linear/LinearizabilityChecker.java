package io.conclave.check.linear;

import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks each key of a history for linearizability, keys in parallel (linearizability is local: a
 * history is linearizable iff each key's sub-history is). Keys of register operations use
 * {@link RegisterModel}, partitions use {@link LogModel}. Only {@code linearizable} and {@code strong}
 * operations are judged: {@code eventual} reads are skipped and {@code eventual} writes only join as
 * possible effects (see {@link #relevant}); {@code fail} operations are dropped (they did not
 * happen), and unknown {@code get}/{@code read}s dropped (they constrain nothing). Results come back
 * in key order whatever the thread timing.
 */
public final class LinearizabilityChecker {
    private final LinearizabilityConfig config;

    public LinearizabilityChecker(LinearizabilityConfig config) {
        this.config = config.validate();
    }

    /** A checker with {@link LinearizabilityConfig#defaults()}. */
    public LinearizabilityChecker() {
        this(LinearizabilityConfig.defaults());
    }

    /** Checks every key; results in sorted key order. */
    public List<KeyResult> check(History history) {
        Map<String, List<Operation>> byKey = history.byKey();
        List<String> keys = new ArrayList<>(byKey.keySet());
        int threads = Math.min(config.threads(), keys.size());
        if (threads <= 1) {
            List<KeyResult> out = new ArrayList<>();
            for (String key : keys) {
                out.add(checkKey(key, byKey.get(key)));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "linearizability-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<KeyResult>> futures = new ArrayList<>();
            for (String key : keys) {
                futures.add(pool.submit(() -> checkKey(key, byKey.get(key))));
            }
            List<KeyResult> out = new ArrayList<>();
            for (Future<KeyResult> f : futures) {
                out.add(await(f));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static KeyResult await(Future<KeyResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking a key failed", e.getCause());
        }
    }

    /** Checks one key's operations (any order; all of one key). */
    public KeyResult checkKey(String key, List<Operation> keyOps) {
        List<Operation> ops = relevant(keyOps);
        boolean register = keyOps.stream().anyMatch(o -> o.op().kind() == OpType.Kind.REGISTER);
        Operation phantom = readOfUnwrittenValue(ops);
        if (phantom != null) {
            String explanation = "key \"" + key + "\" (" + (register ? "register" : "log") + "): not linearizable.\n"
                    + "This operation observed a value that no operation which may have happened wrote "
                    + "(never written, or only by a failed write):\n  " + phantom.toJsonLine() + "\n";
            return new KeyResult(key, register ? "register" : "log", Verdict.INVALID, ops.size(), 0, explanation,
                    List.of(), phantom, List.of(), "");
        }
        if (register) {
            ops = dropUnobservedUnknownWrites(ops);
            return search(key, "register", new RegisterModel(ops), ops);
        }
        return search(key, "log", new LogModel(ops), ops);
    }

    private <S> KeyResult search(String key, String modelName, Model<S> model, List<Operation> ops) {
        Search<S> s = new Search<>(model, ops, config.statesMaxPerKey());
        Search.Outcome outcome = s.run();
        String explanation = Explanations.explain(key, modelName, outcome, s, ops.size(), config.statesMaxPerKey());
        boolean valid = outcome.verdict() == Verdict.VALID;
        return new KeyResult(key, modelName, outcome.verdict(), ops.size(), outcome.statesExplored(), explanation,
                valid ? List.of() : s.longestPrefix(), valid ? null : s.stuck(),
                valid ? List.of() : s.candidates(), valid ? "" : s.stateAfterPrefix());
    }

    /**
     * Linearizable/strong operations that happened or may have happened, in call order. Eventual
     * writes are not judged, but a strong read may see them and a log's offsets count them, so they
     * join the search as writes of unknown outcome: at most once, any time after their call, or never.
     */
    static List<Operation> relevant(List<Operation> keyOps) {
        List<Operation> out = new ArrayList<>();
        for (Operation op : keyOps) {
            boolean read = op.op() == OpType.GET || op.op() == OpType.READ;
            if (op.outcome() == Outcome.FAIL || read && op.outcome() == Outcome.UNKNOWN) {
                continue;
            }
            if (op.level().isLinearizable()) {
                out.add(op);
            } else if (!read) {
                out.add(asUnknown(op));
            }
        }
        out.sort(Comparator.comparingLong(Operation::callNs));
        return out;
    }

    private static Operation asUnknown(Operation write) {
        return new Operation(write.client(), write.op(), write.key(), write.value(), write.expected(), null, null,
                null, null, false, null, write.callNs(), write.returnNs(), write.level(), Outcome.UNKNOWN);
    }

    /**
     * A quick refutation before the search: an ok get, cas or read that observed a value no write among
     * {@code ops} wrote (they exclude failed writes) can never be linearized. Returns the first such
     * operation, or null. Without this, histories with many unknown writes can exhaust the budget
     * proving what this finds in one pass.
     */
    static Operation readOfUnwrittenValue(List<Operation> ops) {
        Set<Object> written = new HashSet<>();
        for (Operation op : ops) {
            if (op.op() == OpType.PUT || op.op() == OpType.CAS || op.op() == OpType.APPEND) {
                written.add(op.value());
            }
        }
        for (Operation op : ops) {
            if (!op.isOk()) {
                continue;
            }
            boolean phantom = op.op() == OpType.GET && op.value() != null && !written.contains(op.value())
                    || op.op() == OpType.CAS && op.swapped() && op.expected() != null && !written.contains(op.expected())
                    || op.op() == OpType.READ && !written.containsAll(op.values());
            if (phantom) {
                return op;
            }
        }
        return null;
    }

    /**
     * Drops unknown register writes whose value nothing could have observed: no get returned it, no
     * cas compared against it, and no ok cas failed to swap (a failed cas observes "not equal", which
     * any write could explain). Such a write may as well not have happened, so dropping it keeps the
     * verdict and spares the search from placing it at every point of the history.
     */
    static List<Operation> dropUnobservedUnknownWrites(List<Operation> ops) {
        Set<Object> observed = new HashSet<>();
        for (Operation op : ops) {
            if (op.op() == OpType.GET && op.isOk()) {
                observed.add(op.value());
            }
            if (op.op() == OpType.CAS) {
                observed.add(op.expected());
                if (op.isOk() && !op.swapped()) {
                    return ops;
                }
            }
        }
        List<Operation> out = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            boolean unknownWrite = op.outcome() == Outcome.UNKNOWN && (op.op() == OpType.PUT || op.op() == OpType.CAS);
            if (!unknownWrite || observed.contains(op.value())) {
                out.add(op);
            }
        }
        return out;
    }
}
