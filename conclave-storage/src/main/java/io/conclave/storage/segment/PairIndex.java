package io.conclave.storage.segment;

import java.util.Arrays;

/**
 * A growing list of (a, b) long pairs, both non-decreasing: a segment's offset index (index, position)
 * or time index (timestampMs, index). Stored on disk as 16-byte big-endian pairs.
 */
final class PairIndex {

    static final int PAIR_BYTES = 16;

    private long[] a = new long[8];
    private long[] b = new long[8];
    private int count;

    int count() {
        return count;
    }

    long a(int i) {
        return a[i];
    }

    long b(int i) {
        return b[i];
    }

    void add(long first, long second) {
        if (count == a.length) {
            a = Arrays.copyOf(a, count * 2);
            b = Arrays.copyOf(b, count * 2);
        }
        a[count] = first;
        b[count] = second;
        count++;
    }

    /** The last pair with {@code a <= key}, or -1. */
    int floorA(long key) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The last pair with {@code a < key}, or -1. */
    int lowerA(long key) {
        return key == Long.MIN_VALUE ? -1 : floorA(key - 1);
    }

    /** Drops the pairs with {@code a >= key}. */
    void truncateA(long key) {
        count = lowerA(key) + 1;
    }

    /** Drops the pairs with {@code b >= key}. */
    void truncateB(long key) {
        while (count > 0 && b[count - 1] >= key) {
            count--;
        }
    }

    void clear() {
        count = 0;
    }

    /** Pairs [from, count) in their file form. */
    byte[] encode(int from) {
        byte[] out = new byte[(count - from) * PAIR_BYTES];
        for (int i = from; i < count; i++) {
            RecordFormat.putLong(out, (i - from) * PAIR_BYTES, a[i]);
            RecordFormat.putLong(out, (i - from) * PAIR_BYTES + 8, b[i]);
        }
        return out;
    }
}
