package io.conclave.bench.storage;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Latency samples (ns) from any thread, up to a fixed count; percentiles at the end. */
final class LatencyRecorder {

    private final long[] samples;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean recording;

    LatencyRecorder(int samplesMax) {
        samples = new long[samplesMax];
    }

    void start() {
        recording = true;
    }

    void stop() {
        recording = false;
    }

    void record(long latencyNs, int byteCount) {
        if (!recording) {
            return;
        }
        ops.incrementAndGet();
        bytes.addAndGet(byteCount);
        int i = count.getAndIncrement();
        if (i < samples.length) {
            samples[i] = latencyNs;
        }
    }

    long ops() {
        return ops.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** Percentile in ms, p in [0, 100]. */
    double percentileMs(double p) {
        int n = Math.min(count.get(), samples.length);
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(p / 100.0 * n) - 1));
        return sorted[idx] / 1e6;
    }
}
