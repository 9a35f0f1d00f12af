package io.conclave.multiraft.time;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to. Readable from any thread. */
public final class ManualClock implements Clock {

    private final AtomicLong nowNs;

    public ManualClock(long startNs) {
        this.nowNs = new AtomicLong(startNs);
    }

    public ManualClock() {
        this(0);
    }

    @Override
    public long nowNs() {
        return nowNs.get();
    }

    /** The manual time line stands in for the wall clock, so tests stay reproducible. */
    @Override
    public long incarnationFloor() {
        return nowMs();
    }

    /** Moves time forward by {@code deltaNs} (>= 0) and returns the new time. */
    public long advanceNs(long deltaNs) {
        if (deltaNs < 0) {
            throw new IllegalArgumentException("time only moves forward; delta was " + deltaNs);
        }
        return nowNs.addAndGet(deltaNs);
    }

    public long advanceMs(long deltaMs) {
        return advanceNs(deltaMs * 1_000_000L);
    }
}
