package io.conclave.multiraft.time;

/** A monotonic clock in nanoseconds. Values mean nothing alone; only differences do. */
@FunctionalInterface
public interface Clock {

    long nowNs();

    /** Milliseconds on the same time line, for APIs that speak milliseconds. */
    default long nowMs() {
        return nowNs() / 1_000_000L;
    }
}
