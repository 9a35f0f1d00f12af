package io.conclave.raft.progress;

/**
 * The append messages in flight to one follower, as a ring of (last index, bytes) pairs, bounded by
 * a message count and optionally a byte total. Allocation-free after construction.
 */
public final class Inflights {

    private final int capacity;
    private final long maxBytes;
    private final long[] indexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    public Inflights(int capacity, long maxBytes) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.indexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    /** Records a message whose last entry is {@code index}. Indexes must increase. */
    public void add(long index, long sizeBytes) {
        if (full()) {
            throw new IllegalStateException("inflights full: cannot add " + index);
        }
        if (count > 0 && index <= indexes[(start + count - 1) % capacity]) {
            throw new IllegalStateException("inflight index " + index + " does not increase");
        }
        int slot = (start + count) % capacity;
        indexes[slot] = index;
        sizes[slot] = sizeBytes;
        count++;
        bytes += sizeBytes;
    }

    /** Frees every message whose last index is at or below {@code index}. */
    public void freeLE(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest message: used when a heartbeat answer shows the follower alive but a window full. */
    public void freeFirst() {
        if (count > 0) {
            freeLE(indexes[start]);
        }
    }

    public boolean full() {
        return count == capacity || (maxBytes > 0 && bytes >= maxBytes);
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
