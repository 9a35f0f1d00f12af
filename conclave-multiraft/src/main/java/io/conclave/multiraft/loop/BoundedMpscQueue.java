package io.conclave.multiraft.loop;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded many-producer, one-consumer queue without locks: a lock-free linked queue plus a
 * counter that refuses offers beyond the capacity. Refusals are counted (back-pressure); the caller
 * decides what a refusal means (a Raft message is dropped and retried by Raft; a client request is
 * answered with BACK_PRESSURE).
 */
public final class BoundedMpscQueue<T> {

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final int capacity;

    public BoundedMpscQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code item} unless the queue is full; false (and counted) when full. Any thread. */
    public boolean offer(T item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            refused.incrementAndGet();
            return false;
        }
        items.add(item);
        return true;
    }

    /** The oldest item, or null. Consumer thread only. */
    public T poll() {
        T t = items.poll();
        if (t != null) {
            size.decrementAndGet();
        }
        return t;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return Math.max(0, size.get());
    }

    public int capacity() {
        return capacity;
    }

    /** Offers refused because the queue was full, so far. */
    public long refused() {
        return refused.get();
    }
}
