package io.conclave.sim.node;

/**
 * How a simulated host drives its replicas.
 *
 * @param tickNs the tick interval, in the node's local time
 * @param electionTicks the replicas' election timeout
 * @param heartbeatTicks the replicas' heartbeat interval
 * @param leaseReads whether STRONG reads use the leader lease (else ReadIndex)
 * @param maxClockDrift the drift bound the lease assumes
 * @param snapshotEveryEntries applied entries past the log's start that trigger a snapshot and compaction
 * @param tickCatchUpMax ticks fired at once when the local clock jumped forward past several deadlines
 * @param readyLoopMax bound on Ready rounds handled for one replica in one event
 */
public record HostConfig(long tickNs, int electionTicks, int heartbeatTicks, boolean leaseReads, double maxClockDrift,
                         int snapshotEveryEntries, int tickCatchUpMax, int readyLoopMax) {

    public static HostConfig defaults() {
        return new HostConfig(10_000_000, 10, 1, false, 0.05, 500, 3, 10_000);
    }

    public HostConfig validate() {
        require(tickNs > 0, "tickNs must be > 0");
        require(electionTicks > heartbeatTicks && heartbeatTicks > 0, "need electionTicks > heartbeatTicks > 0");
        require(maxClockDrift >= 0 && maxClockDrift < 0.5, "maxClockDrift must be in [0, 0.5)");
        require(snapshotEveryEntries > 0, "snapshotEveryEntries must be > 0");
        require(tickCatchUpMax > 0, "tickCatchUpMax must be > 0");
        require(readyLoopMax > 0, "readyLoopMax must be > 0");
        return this;
    }

    public HostConfig withLeaseReads(boolean on) {
        return new HostConfig(tickNs, electionTicks, heartbeatTicks, on, maxClockDrift, snapshotEveryEntries,
                tickCatchUpMax, readyLoopMax).validate();
    }

    public HostConfig withHeartbeatTicks(int hb, int election) {
        return new HostConfig(tickNs, election, hb, leaseReads, maxClockDrift, snapshotEveryEntries,
                tickCatchUpMax, readyLoopMax).validate();
    }

    public HostConfig withTickNs(long ns) {
        return new HostConfig(ns, electionTicks, heartbeatTicks, leaseReads, maxClockDrift, snapshotEveryEntries,
                tickCatchUpMax, readyLoopMax).validate();
    }

    public HostConfig withSnapshotEveryEntries(int n) {
        return new HostConfig(tickNs, electionTicks, heartbeatTicks, leaseReads, maxClockDrift, n,
                tickCatchUpMax, readyLoopMax).validate();
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid host config: " + msg);
        }
    }
}
