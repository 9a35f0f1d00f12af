package io.conclave.check;

import io.conclave.check.linear.LinearizabilityConfig;
import java.util.Objects;

/**
 * What {@link Checkers#runAll} runs and with which bounds.
 *
 * @param linearizability bounds of the linearizability search
 * @param linearizable    run the linearizability checker
 * @param logScan         run the log scans (when the history has partitions)
 */
public record CheckConfig(LinearizabilityConfig linearizability, boolean linearizable, boolean logScan) {
    /** Everything on, default bounds. */
    public static CheckConfig defaults() {
        return new CheckConfig(LinearizabilityConfig.defaults(), true, true);
    }

    public CheckConfig {
        Objects.requireNonNull(linearizability, "linearizability");
    }

    /** Checks the bounds. */
    public CheckConfig validate() {
        linearizability.validate();
        return this;
    }
}
