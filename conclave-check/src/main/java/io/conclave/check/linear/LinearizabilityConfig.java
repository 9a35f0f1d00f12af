package io.conclave.check.linear;

/**
 * Bounds of the linearizability checker.
 *
 * @param statesMaxPerKey distinct (linearized set, state) pairs one key's search may visit before it
 *                        gives up with UNKNOWN; memory grows with it (roughly 100-200 bytes a state)
 * @param threads         keys checked in parallel, at most
 */
public record LinearizabilityConfig(long statesMaxPerKey, int threads) {
    /** One million states per key; one thread per available core. */
    public static LinearizabilityConfig defaults() {
        return new LinearizabilityConfig(1_000_000, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public LinearizabilityConfig {
        validate(statesMaxPerKey, threads);
    }

    private static void validate(long statesMaxPerKey, int threads) {
        if (statesMaxPerKey < 1) {
            throw new IllegalArgumentException("statesMaxPerKey must be at least 1, was " + statesMaxPerKey);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], was " + threads);
        }
    }

    /** Re-checks the bounds (the constructor already does). */
    public LinearizabilityConfig validate() {
        validate(statesMaxPerKey, threads);
        return this;
    }

    /** The same config with another state budget. */
    public LinearizabilityConfig withStatesMaxPerKey(long states) {
        return new LinearizabilityConfig(states, threads);
    }

    /** The same config with another thread count. */
    public LinearizabilityConfig withThreads(int n) {
        return new LinearizabilityConfig(statesMaxPerKey, n);
    }
}
