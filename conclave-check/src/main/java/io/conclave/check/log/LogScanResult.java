package io.conclave.check.log;

import io.conclave.check.CheckResult;
import io.conclave.check.Verdict;
import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a log scan (or the convergence check) found: every anomaly, and counts.
 *
 * @param checker   the checker's name
 * @param anomalies all anomalies, partitions in sorted order
 * @param counts    named counts, including one per anomaly type
 * @param undecided reasons the check could not decide (makes the verdict unknown when no anomaly)
 */
public record LogScanResult(String checker, List<LogAnomaly> anomalies, Map<String, Long> counts,
                            List<String> undecided) {
    /** Anomalies listed in {@link #toCheckResult()} details, at most. */
    public static final int DETAILS_ANOMALIES_MAX = 100;

    public LogScanResult {
        anomalies = List.copyOf(anomalies);
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        undecided = List.copyOf(undecided);
    }

    /** Invalid if any anomaly, else unknown if undecided, else valid. */
    public Verdict verdict() {
        if (!anomalies.isEmpty()) {
            return Verdict.INVALID;
        }
        return undecided.isEmpty() ? Verdict.VALID : Verdict.UNKNOWN;
    }

    /** The anomalies of one type. */
    public List<LogAnomaly> of(LogAnomaly.Type type) {
        List<LogAnomaly> out = new ArrayList<>();
        for (LogAnomaly a : anomalies) {
            if (a.type() == type) {
                out.add(a);
            }
        }
        return out;
    }

    /** This result in the uniform shape. */
    public CheckResult toCheckResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        List<Map<String, Object>> listed = new ArrayList<>();
        for (LogAnomaly a : anomalies.subList(0, Math.min(anomalies.size(), DETAILS_ANOMALIES_MAX))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", a.type().wireName());
            m.put("key", a.key());
            m.put("offset", a.offset());
            m.put("value", a.value());
            m.put("description", a.description());
            List<String> lines = new ArrayList<>();
            for (Operation w : a.witnesses()) {
                lines.add(w.toJsonLine());
            }
            m.put("witnesses", lines);
            listed.add(m);
        }
        details.put("anomalies", listed);
        details.put("anomaliesOmitted", anomalies.size() - listed.size());
        details.put("undecided", undecided);
        return new CheckResult(checker, verdict(), counts, explanation(), details);
    }

    private String explanation() {
        if (anomalies.isEmpty()) {
            return undecided.isEmpty() ? "no anomalies" : "undecided: " + String.join("; ", undecided);
        }
        StringBuilder b = new StringBuilder();
        b.append(anomalies.size()).append(" anomalies. First ones:\n");
        for (LogAnomaly a : anomalies.subList(0, Math.min(5, anomalies.size()))) {
            b.append("- ").append(a.type().wireName()).append(" in \"").append(a.key()).append("\": ")
                    .append(a.description()).append('\n');
            for (Operation w : a.witnesses()) {
                b.append("    ").append(w.toJsonLine()).append('\n');
            }
        }
        return b.toString();
    }
}
