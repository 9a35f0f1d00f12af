package io.conclave.partition.metadata;

/**
 * The 64-bit hash that maps a record key into a topic's hash space, and the even split of that
 * space into partition ranges. Hash ranges are unsigned and inclusive.
 */
public final class KeyHash {

    private KeyHash() {
    }

    /** FNV-1a over the bytes, then a 64-bit avalanche finalizer so that nearby keys spread. */
    public static long of(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Splits [0, 2^64 - 1] into {@code n} contiguous ranges: returns {start, end} pairs, the first
     * starting at 0 and the last ending at 2^64 - 1 (-1L unsigned).
     */
    public static long[][] evenRanges(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("partition count must be >= 1, was " + n);
        }
        long step = Long.divideUnsigned(-1L, n);
        long[][] out = new long[n][2];
        for (int i = 0; i < n; i++) {
            out[i][0] = step * i;
            out[i][1] = i == n - 1 ? -1L : step * (i + 1) - 1;
        }
        return out;
    }
}
