package io.conclave.multiraft.time;

/** The real monotonic clock: the one place in Conclave that calls {@code System.nanoTime()}. */
public final class SystemClock implements Clock {

    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nowNs() {
        return System.nanoTime();
    }
}
