package io.conclave.multiraft.liveness;

/**
 * A phi-accrual failure detector for one peer (Hayashibara et al.): keeps a bounded window of
 * inter-arrival times and answers, for the silence so far, phi = -log10(P(a ping arrives this late
 * or later)), under a normal distribution fitted to the window (logistic approximation of its
 * CDF). The standard deviation has a floor and a fixed pause is always tolerated. Memory is one
 * array of {@code windowSize} doubles. Not thread-safe: one owner thread.
 */
public final class PhiAccrualDetector {

    private final double[] intervalsMs;
    private final double minStdDevMs;
    private final double acceptablePauseMs;
    private int count;
    private int next;
    private double sum;
    private double sumSquares;
    private long lastArrivalNs;
    private boolean heard;

    public PhiAccrualDetector(int windowSize, long minStdDevNs, long acceptablePauseNs) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be >= 2: " + windowSize);
        }
        this.intervalsMs = new double[windowSize];
        this.minStdDevMs = minStdDevNs / 1e6;
        this.acceptablePauseMs = acceptablePauseNs / 1e6;
    }

    public static PhiAccrualDetector of(LivenessConfig c) {
        PhiAccrualDetector d = new PhiAccrualDetector(c.windowSize(), c.minStdDevNs(), c.acceptablePauseNs());
        d.seed(c.pingIntervalNs());
        return d;
    }

    /** Seeds the window with the expected interval (and a spread of a quarter of it) before any sample. */
    public void seed(long expectedIntervalNs) {
        double mean = expectedIntervalNs / 1e6;
        add(mean - mean / 4);
        add(mean + mean / 4);
    }

    /** A ping arrived at {@code nowNs}. */
    public void heartbeat(long nowNs) {
        if (heard && nowNs >= lastArrivalNs) {
            add((nowNs - lastArrivalNs) / 1e6);
        }
        heard = true;
        lastArrivalNs = nowNs;
    }

    private void add(double intervalMs) {
        if (count == intervalsMs.length) {
            double old = intervalsMs[next];
            sum -= old;
            sumSquares -= old * old;
        } else {
            count++;
        }
        intervalsMs[next] = intervalMs;
        next = (next + 1) % intervalsMs.length;
        sum += intervalMs;
        sumSquares += intervalMs * intervalMs;
    }

    /** Suspicion level at {@code nowNs}; 0 before the first ping. */
    public double phi(long nowNs) {
        if (!heard || count == 0) {
            return 0.0;
        }
        double sinceMs = Math.max(0, nowNs - lastArrivalNs) / 1e6;
        double mean = sum / count;
        double variance = Math.max(0, sumSquares / count - mean * mean);
        double stdDev = Math.max(Math.sqrt(variance), minStdDevMs);
        double y = (sinceMs - (mean + acceptablePauseMs)) / stdDev;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        if (sinceMs > mean + acceptablePauseMs) {
            return -Math.log10(e / (1.0 + e));
        }
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    public boolean heard() {
        return heard;
    }

    public long lastArrivalNs() {
        return lastArrivalNs;
    }

    /** Samples in the window (bounded by its size). */
    public int samples() {
        return count;
    }

    public double meanIntervalMs() {
        return count == 0 ? 0 : sum / count;
    }
}
