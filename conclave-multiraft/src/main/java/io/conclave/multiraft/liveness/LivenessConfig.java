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
 */
public record LivenessConfig(long pingIntervalNs, double phiThreshold, int windowSize, long minStdDevNs,
                             long acceptablePauseNs, int arrivalQueueCapacity) {

    public static LivenessConfig defaults() {
        return new LivenessConfig(10_000_000L, 8.0, 200, 10_000_000L, 20_000_000L, 65_536);
    }

    public LivenessConfig validate() {
        require(pingIntervalNs > 0, "pingIntervalNs must be > 0");
        require(phiThreshold > 0, "phiThreshold must be > 0");
        require(windowSize >= 2, "windowSize must be >= 2");
        require(minStdDevNs > 0, "minStdDevNs must be > 0");
        require(acceptablePauseNs >= 0, "acceptablePauseNs must be >= 0");
        require(arrivalQueueCapacity >= 1, "arrivalQueueCapacity must be >= 1");
        return this;
    }

    public LivenessConfig withPingIntervalNs(long ns) {
        return new LivenessConfig(ns, phiThreshold, windowSize, minStdDevNs, acceptablePauseNs, arrivalQueueCapacity);
    }

    public LivenessConfig withPhiThreshold(double phi) {
        return new LivenessConfig(pingIntervalNs, phi, windowSize, minStdDevNs, acceptablePauseNs, arrivalQueueCapacity);
    }

    public LivenessConfig withAcceptablePauseNs(long ns) {
        return new LivenessConfig(pingIntervalNs, phiThreshold, windowSize, minStdDevNs, ns, arrivalQueueCapacity);
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid liveness config: " + msg);
        }
    }
}
