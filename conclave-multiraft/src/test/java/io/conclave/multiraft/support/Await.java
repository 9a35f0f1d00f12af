package io.conclave.multiraft.support;

import io.conclave.multiraft.time.SystemClock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for a condition that other threads make true; fails with a description. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} (every ~2 ms) until it holds or {@code bound} passes; returns the time taken. */
    public static Duration until(Duration bound, BooleanSupplier condition, Supplier<String> what) {
        long start = SystemClock.INSTANCE.nowNs();
        long deadline = start + bound.toNanos();
        for (int i = 0; i < 1_000_000; i++) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(SystemClock.INSTANCE.nowNs() - start);
            }
            if (SystemClock.INSTANCE.nowNs() > deadline) {
                break;
            }
            LockSupport.parkNanos(2_000_000L);
        }
        throw new AssertionError("not within " + bound.toMillis() + " ms: " + what.get());
    }
}
