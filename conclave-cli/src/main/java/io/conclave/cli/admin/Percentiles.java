package io.conclave.cli.admin;

import java.util.Arrays;

/** Latency percentiles of recorded nanosecond samples, in milliseconds. */
public final class Percentiles {

    private final long[] sorted;

    public Percentiles(long[] samplesNs, int count) {
        this.sorted = Arrays.copyOf(samplesNs, count);
        Arrays.sort(sorted);
    }

    public double ms(double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    public int count() {
        return sorted.length;
    }
}
