package io.conclave.sim.net;

/**
 * The network's bounds and fault rates.
 *
 * @param latencyNsMin the smallest one-way latency within a rack
 * @param latencyNsMeanExtra mean of the exponential part added to every packet within a rack
 * @param interRackLatencyNsMin the smallest one-way latency between racks
 * @param interRackLatencyNsMeanExtra mean of the exponential part between racks
 * @param lossRate probability that a packet is dropped
 * @param duplicateRate probability that a packet is delivered twice
 * @param reorderRate probability that a packet is held back by up to {@code reorderNsMax}
 * @param reorderNsMax the largest extra delay of a reordered packet
 */
public record NetConfig(long latencyNsMin, long latencyNsMeanExtra, long interRackLatencyNsMin,
                        long interRackLatencyNsMeanExtra, double lossRate, double duplicateRate, double reorderRate,
                        long reorderNsMax) {

    public static NetConfig defaults() {
        return new NetConfig(100_000, 200_000, 1_000_000, 1_000_000, 0, 0, 0, 5_000_000);
    }

    public NetConfig validate() {
        require(latencyNsMin >= 0 && latencyNsMeanExtra >= 0, "latencies must be >= 0");
        require(interRackLatencyNsMin >= 0 && interRackLatencyNsMeanExtra >= 0, "inter-rack latencies must be >= 0");
        require(rate(lossRate) && rate(duplicateRate) && rate(reorderRate), "rates must be in [0, 1)");
        require(reorderNsMax >= 0, "reorderNsMax must be >= 0");
        return this;
    }

    public NetConfig withFaults(double loss, double dup, double reorder) {
        return new NetConfig(latencyNsMin, latencyNsMeanExtra, interRackLatencyNsMin, interRackLatencyNsMeanExtra,
                loss, dup, reorder, reorderNsMax).validate();
    }

    private static boolean rate(double r) {
        return r >= 0 && r < 1;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid net config: " + msg);
        }
    }
}
