package io.conclave.sim.workload;

/**
 * What the clients do.
 *
 * @param kind registers, logs, or both (alternating keys)
 * @param keysPerGroup keys (registers or partitions) per group
 * @param clientsPerKey concurrent clients per key, at most 8 so histories stay checkable
 * @param opsTotal operations invoked in the whole run (final reads excluded)
 * @param thinkNsMean mean pause between a client's operations; 0 spreads the budget over the fault phase
 * @param timeoutNs a client gives up after this long and records {@code unknown}
 * @param clientLatencyNs one-way latency between a client and a node
 */
public record WorkloadConfig(Kind kind, int keysPerGroup, int clientsPerKey, int opsTotal, long thinkNsMean,
                             long timeoutNs, long clientLatencyNs) {

    /** Which state the workload exercises. */
    public enum Kind {
        /** put/get/cas on registers. */
        REGISTER,
        /** append/read on partition logs. */
        LOG,
        /** Both: even keys registers, odd keys logs. */
        MIXED
    }

    public static WorkloadConfig defaults() {
        return new WorkloadConfig(Kind.MIXED, 4, 2, 300, 0, 3_000_000_000L, 200_000);
    }

    public WorkloadConfig validate() {
        require(keysPerGroup > 0, "keysPerGroup must be > 0");
        require(clientsPerKey > 0 && clientsPerKey <= 8, "clientsPerKey must be in [1, 8]");
        require(opsTotal >= 0, "opsTotal must be >= 0");
        require(thinkNsMean >= 0 && timeoutNs > 0 && clientLatencyNs >= 0, "times must be >= 0, timeout > 0");
        return this;
    }

    public WorkloadConfig withOps(int ops) {
        return new WorkloadConfig(kind, keysPerGroup, clientsPerKey, ops, thinkNsMean, timeoutNs, clientLatencyNs)
                .validate();
    }

    public WorkloadConfig withKind(Kind k) {
        return new WorkloadConfig(k, keysPerGroup, clientsPerKey, opsTotal, thinkNsMean, timeoutNs, clientLatencyNs)
                .validate();
    }

    public WorkloadConfig withKeys(int keys, int clients) {
        return new WorkloadConfig(kind, keys, clients, opsTotal, thinkNsMean, timeoutNs, clientLatencyNs).validate();
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid workload config: " + msg);
        }
    }
}
