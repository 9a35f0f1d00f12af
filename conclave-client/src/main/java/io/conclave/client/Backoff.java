package io.conclave.client;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential retry delays with jitter: attempt n waits uniformly in [cap/2, cap], cap = min(max, initial * 2^n). */
final class Backoff {

    private final long initialMs;
    private final long maxMs;

    Backoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    long delayMs(int attempt) {
        int shift = Math.min(Math.max(attempt, 0), 30);
        long cap = Math.min(maxMs, initialMs << shift);
        long half = cap / 2;
        return half + ThreadLocalRandom.current().nextLong(cap - half + 1);
    }
}
