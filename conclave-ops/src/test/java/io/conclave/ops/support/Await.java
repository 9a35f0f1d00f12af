package io.conclave.ops.support;

import io.conclave.multiraft.time.SystemClock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for a condition other threads make true; fails with a description. */
public final class Await {

    private Await() {
    }

    public static void until(Duration bound, BooleanSupplier condition, Supplier<String> what) {
        long deadline = SystemClock.INSTANCE.nowNs() + bound.toNanos();
        for (int i = 0; i < 1_000_000; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (SystemClock.INSTANCE.nowNs() > deadline) {
                break;
            }
            LockSupport.parkNanos(2_000_000L);
        }
        throw new AssertionError("not within " + bound.toMillis() + " ms: " + what.get());
    }
}
