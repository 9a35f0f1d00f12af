package io.conclave.multiraft.liveness;

/**
 * Bounds of node-level liveness.
 *
 * @param pingIntervalNs how often a node pings every peer (and evaluates its detectors)
 * @param phiThreshold phi above which a peer is suspected (8 means a false suspicion about once in 10^8)
 * @param windowSize inter-arrival samples kept per peer
 * @param minStdDevNs a floor on the standard deviation, so a very regular peer is not suspected at
 *     the first late ping
 * @param acceptablePauseNs extra silence always tolerated (added to the mean)
 * @param arrivalQueueCapacity ping arrivals waiting for the owning loop
 * @param unreachableSilenceNs a peer the transport reports unreachable (its connection is gone, as
 *     when its process died and its sockets were reset) is suspected after this much silence,
 *     without waiting for the phi threshold
 */
public record LivenessConfig(long pingIntervalNs, double phiThreshold, int windowSize, long minStdDevNs,
                             long acceptablePauseNs, int arrivalQueueCapacity, long unreachableSilenceNs) {

    /**
     * 10 ms pings; phi 8 over a 150 ms acceptable pause (a live peer stalled by GC or a starved CPU
     * is not suspected; a silent one after about 210 ms); a peer whose connection is gone after 30 ms
     * of silence. See docs/multiraft.md, "Liveness and failover", for the measurements behind them.
     */
    public static LivenessConfig defaults() {
        return new LivenessConfig(10_000_000L, 8.0, 200, 10_000_000L, 150_000_000L, 65_536, 30_000_000L);
    }

    /** The defaults with the given detection parameters (the rest as in {@link #defaults()}). */
    public static LivenessConfig of(long pingIntervalNs, double phiThreshold, long minStdDevNs, long acceptablePauseNs,
                                    long unreachableSilenceNs) {
        LivenessConfig d = defaults();
        return new LivenessConfig(pingIntervalNs, phiThreshold, d.windowSize, minStdDevNs, acceptablePauseNs,
                d.arrivalQueueCapacity, unreachableSilenceNs);
    }

    public LivenessConfig validate() {
        require(pingIntervalNs > 0, "pingIntervalNs must be > 0");
        require(phiThreshold > 0, "phiThreshold must be > 0");
        require(windowSize >= 2, "windowSize must be >= 2");
        require(minStdDevNs > 0, "minStdDevNs must be > 0");
        require(acceptablePauseNs >= 0, "acceptablePauseNs must be >= 0");
        require(arrivalQueueCapacity >= 1, "arrivalQueueCapacity must be >= 1");
        require(unreachableSilenceNs >= pingIntervalNs, "unreachableSilenceNs must be >= pingIntervalNs");
        return this;
    }

    public LivenessConfig withPingIntervalNs(long ns) {
        return new LivenessConfig(ns, phiThreshold, windowSize, minStdDevNs, acceptablePauseNs, arrivalQueueCapacity,
                unreachableSilenceNs);
    }

    public LivenessConfig withPhiThreshold(double phi) {
        return new LivenessConfig(pingIntervalNs, phi, windowSize, minStdDevNs, acceptablePauseNs, arrivalQueueCapacity,
                unreachableSilenceNs);
    }

    public LivenessConfig withAcceptablePauseNs(long ns) {
        return new LivenessConfig(pingIntervalNs, phiThreshold, windowSize, minStdDevNs, ns, arrivalQueueCapacity,
                unreachableSilenceNs);
    }

    public LivenessConfig withUnreachableSilenceNs(long ns) {
        return new LivenessConfig(pingIntervalNs, phiThreshold, windowSize, minStdDevNs, acceptablePauseNs,
                arrivalQueueCapacity, ns);
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid liveness config: " + msg);
        }
    }
}
