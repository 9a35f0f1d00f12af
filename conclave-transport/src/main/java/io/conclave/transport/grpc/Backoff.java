package io.conclave.transport.grpc;

import java.util.Random;

/**
 * Reconnection delays: doubling from a minimum to a cap, each shortened by a random share of up to
 * {@code jitter} of itself so that the nodes that lost one peer do not all dial it at once.
 * Thread-safe (the random source is).
 */
final class Backoff {

    private final long minMs;
    private final long maxMs;
    private final double jitter;
    private final Random random;

    Backoff(long minMs, long maxMs, double jitter, long seed) {
        if (minMs < 1 || maxMs < minMs || !(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("bad backoff: min=" + minMs + " max=" + maxMs + " jitter=" + jitter);
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = new Random(seed);
    }

    /** The delay before attempt number {@code attempt} (from 1), in [ceiling * (1 - jitter), ceiling]. */
    long delayMs(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1: " + attempt);
        }
        int doublings = Math.min(attempt - 1, 62);
        long ceilingMs = minMs << doublings;
        if (ceilingMs <= 0 || ceilingMs > maxMs || (ceilingMs >> doublings) != minMs) {
            ceilingMs = maxMs;
        }
        long cutMs = (long) (ceilingMs * jitter * random.nextDouble());
        return Math.max(1, ceilingMs - cutMs);
    }
}
