package io.conclave.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's bound on bytes accepted but not yet acknowledged. Senders reserve before a record
 * enters a batch; the client's network thread releases when the record's future completes. User threads may
 * block here, bounded by the wait they pass.
 */
final class BufferPool {

    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long availableBytes;

    BufferPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.availableBytes = capacityBytes;
    }

    /** Reserves {@code bytes}, waiting at most {@code waitMs}; false when the space did not free up in time. */
    boolean reserve(long bytes, long waitMs) throws InterruptedException {
        if (bytes > capacityBytes) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes of a " + capacityBytes + "-byte buffer");
        }
        long remainingNs = TimeUnit.MILLISECONDS.toNanos(waitMs);
        lock.lockInterruptibly();
        try {
            while (availableBytes < bytes) {
                if (remainingNs <= 0) {
                    return false;
                }
                remainingNs = freed.awaitNanos(remainingNs);
            }
            availableBytes -= bytes;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void release(long bytes) {
        lock.lock();
        try {
            availableBytes += bytes;
            if (availableBytes > capacityBytes) {
                throw new IllegalStateException("released more than reserved: " + availableBytes + " > " + capacityBytes);
            }
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long availableBytes() {
        lock.lock();
        try {
            return availableBytes;
        } finally {
            lock.unlock();
        }
    }
}
