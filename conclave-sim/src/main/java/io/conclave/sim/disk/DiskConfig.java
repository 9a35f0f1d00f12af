package io.conclave.sim.disk;

/**
 * A simulated disk's fsync latency.
 *
 * @param fsyncNsMin the fastest fsync
 * @param fsyncNsMeanExtra mean of the exponential part added to each fsync
 */
public record DiskConfig(long fsyncNsMin, long fsyncNsMeanExtra) {

    public static DiskConfig defaults() {
        return new DiskConfig(200_000, 500_000);
    }

    public DiskConfig validate() {
        if (fsyncNsMin < 0 || fsyncNsMeanExtra < 0) {
            throw new IllegalArgumentException("invalid disk config: fsync latencies must be >= 0");
        }
        return this;
    }
}
