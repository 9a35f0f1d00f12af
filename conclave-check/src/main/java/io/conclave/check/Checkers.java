package io.conclave.check;

import io.conclave.check.history.History;
import io.conclave.check.history.OpType;
import io.conclave.check.linear.KeyResult;
import io.conclave.check.linear.LinearizabilityChecker;
import io.conclave.check.linear.LinearizabilityConfig;
import io.conclave.check.log.ConvergenceChecker;
import io.conclave.check.log.LogScanner;
import io.conclave.check.log.ReplicaLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point: run the checkers that apply to a history and get one {@link Report}.
 *
 * <pre>{@code
 * History h = HistoryReader.read(Path.of("run.jsonl"));   // or recorder.history()
 * Report report = Checkers.runAll(h);
 * if (report.verdict() != Verdict.VALID) System.out.println(report.toText());
 * }</pre>
 */
public final class Checkers {
    /** Name of the linearizability result. */
    public static final String LINEARIZABILITY = "linearizability";
    private static final int KEYS_IN_DETAILS_MAX = 50;

    private Checkers() {
    }

    /** Linearizability of every key, and log scans when the history has partitions; default bounds. */
    public static Report runAll(History history) {
        return runAll(history, CheckConfig.defaults());
    }

    /** The checkers {@code config} enables. */
    public static Report runAll(History history, CheckConfig config) {
        config.validate();
        List<CheckResult> results = new ArrayList<>();
        if (config.linearizable()) {
            results.add(linearizability(history, config.linearizability()));
        }
        boolean hasLogs = history.operations().stream().anyMatch(o -> o.op().kind() == OpType.Kind.LOG);
        if (config.logScan() && hasLogs) {
            results.add(LogScanner.scan(history).toCheckResult());
        }
        return new Report(results);
    }

    /** The eventual-consistency convergence check; add it to a report with {@link Report#with}. */
    public static CheckResult convergence(History history, List<ReplicaLog> finalLogs, long lastReplicatedNs) {
        return ConvergenceChecker.check(history, finalLogs, lastReplicatedNs).toCheckResult();
    }

    /** The linearizability checker's per-key results folded into one uniform result. */
    public static CheckResult linearizability(History history, LinearizabilityConfig config) {
        List<KeyResult> keys = new LinearizabilityChecker(config).check(history);
        Verdict verdict = Verdict.VALID;
        long ops = 0;
        long states = 0;
        Map<String, Long> counts = new LinkedHashMap<>();
        long[] byVerdict = new long[Verdict.values().length];
        List<Map<String, Object>> failing = new ArrayList<>();
        StringBuilder explanation = new StringBuilder();
        for (KeyResult k : keys) {
            verdict = verdict.and(k.verdict());
            ops += k.operations();
            states += k.statesExplored();
            byVerdict[k.verdict().ordinal()]++;
            if (k.verdict() != Verdict.VALID && failing.size() < KEYS_IN_DETAILS_MAX) {
                failing.add(keyDetails(k));
                if (failing.size() <= 3) {
                    explanation.append(k.explanation()).append('\n');
                }
            }
        }
        counts.put("keys", (long) keys.size());
        counts.put("keysValid", byVerdict[Verdict.VALID.ordinal()]);
        counts.put("keysInvalid", byVerdict[Verdict.INVALID.ordinal()]);
        counts.put("keysUnknown", byVerdict[Verdict.UNKNOWN.ordinal()]);
        counts.put("operationsChecked", ops);
        counts.put("statesExplored", states);
        String text = verdict == Verdict.VALID ? "all " + keys.size() + " keys linearizable" : explanation.toString();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("keysNotValid", failing);
        return new CheckResult(LINEARIZABILITY, verdict, counts, text, details);
    }

    private static Map<String, Object> keyDetails(KeyResult k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", k.key());
        m.put("model", k.model());
        m.put("verdict", k.verdict().wireName());
        m.put("operations", k.operations());
        m.put("statesExplored", k.statesExplored());
        m.put("longestPrefixLength", k.longestPrefix().size());
        m.put("stateAfterPrefix", k.stateAfterPrefix());
        m.put("stuck", k.stuckAfterPrefix() == null ? null : k.stuckAfterPrefix().toJsonLine());
        List<String> candidates = new ArrayList<>();
        k.candidates().forEach(o -> candidates.add(o.toJsonLine()));
        m.put("candidates", candidates);
        m.put("explanation", k.explanation());
        return m;
    }
}
