package io.conclave.check;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One checker's result in a uniform shape.
 *
 * @param checker     the checker's name, e.g. {@code "linearizability"}
 * @param verdict     valid, invalid or unknown
 * @param counts      named counts (operations checked, anomalies by type, ...), in a stable order
 * @param explanation a short human explanation; says what passed when valid
 * @param details     machine-readable details: nested maps, lists, strings, numbers and booleans only
 */
public record CheckResult(String checker, Verdict verdict, Map<String, Long> counts, String explanation,
                          Map<String, Object> details) {
    public CheckResult {
        Objects.requireNonNull(checker, "checker");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(explanation, "explanation");
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** True when the verdict is valid. */
    public boolean isValid() {
        return verdict == Verdict.VALID;
    }

    /** A count by name, 0 when absent. */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }
}
