package io.conclave.multiraft.time;

/** A monotonic clock in nanoseconds. Values mean nothing alone; only differences do. */
@FunctionalInterface
public interface Clock {

    long nowNs();

    /** Milliseconds on the same time line, for APIs that speak milliseconds. */
    default long nowMs() {
        return nowNs() / 1_000_000L;
    }

    /**
     * The lowest incarnation a node without a record of its own (a first start, or a disk that was
     * wiped) may take ({@code NodeMeta}): the wall clock's milliseconds since the epoch, so a wiped
     * node's new life is above its last one as far as the wall clock moved forward in between.
     * Nothing times by it.
     */
    default long incarnationFloor() {
        return System.currentTimeMillis();
    }
}
