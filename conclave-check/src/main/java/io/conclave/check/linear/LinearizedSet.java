package io.conclave.check.linear;

import java.util.Arrays;

/**
 * The set of operations linearized so far, as a bitset over operation ids, with compact immutable
 * snapshots for the memo. The search linearizes roughly in id (call) order, so the set is nearly a
 * prefix: all ones up to a frontier, a short window of mixed bits, zeros after. A snapshot keeps
 * only the mixed part, in whichever of two encodings is smaller: the words from the first word that
 * is not all ones to the last that is not all zeros, or the list of clear ids ("holes") below the
 * highest set id. The second wins when a few operations linger far behind the frontier, as unknown
 * operations that never take effect do. The choice depends only on the set, so equal sets give equal
 * snapshots.
 */
final class LinearizedSet {
    private final long[] words;
    private int firstNotFull;
    private int lastNonZero = -1;

    LinearizedSet(int size) {
        this.words = new long[(size + 63) >>> 6];
    }

    void set(int id) {
        int w = id >>> 6;
        words[w] |= 1L << id;
        lastNonZero = Math.max(lastNonZero, w);
        while (firstNotFull < words.length && words[firstNotFull] == -1L) {
            firstNotFull++;
        }
    }

    void clear(int id) {
        int w = id >>> 6;
        words[w] &= ~(1L << id);
        firstNotFull = Math.min(firstNotFull, w);
        while (lastNonZero >= 0 && words[lastNonZero] == 0) {
            lastNonZero--;
        }
    }

    boolean contains(int id) {
        return (words[id >>> 6] & (1L << id)) != 0;
    }

    Snapshot snapshot() {
        int start = firstNotFull;
        if (lastNonZero < start) {
            return new Snapshot(false, start, new long[0], null);
        }
        int highest = (lastNonZero << 6) + 63 - Long.numberOfLeadingZeros(words[lastNonZero]);
        int holes = 0;
        for (int w = start; w <= lastNonZero; w++) {
            holes += Long.bitCount(~words[w]);
        }
        holes -= 63 - (highest & 63);
        int wordCount = lastNonZero + 1 - start;
        if (holes >= 2 * wordCount) {
            return new Snapshot(false, start, Arrays.copyOfRange(words, start, lastNonZero + 1), null);
        }
        int[] clear = new int[holes];
        int n = 0;
        for (int id = start << 6; id < highest; id++) {
            if (!contains(id)) {
                clear[n++] = id;
            }
        }
        return new Snapshot(true, highest, null, clear);
    }

    /** An immutable copy, canonical: equal sets give equal snapshots. */
    static final class Snapshot {
        private final boolean holesEncoding;
        private final int base;
        private final long[] words;
        private final int[] holes;
        private final int hash;

        Snapshot(boolean holesEncoding, int base, long[] words, int[] holes) {
            this.holesEncoding = holesEncoding;
            this.base = base;
            this.words = words;
            this.holes = holes;
            int h = holesEncoding ? Arrays.hashCode(holes) : Arrays.hashCode(words);
            this.hash = 31 * (31 * base + h) + (holesEncoding ? 1 : 0);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Snapshot)) {
                return false;
            }
            Snapshot s = (Snapshot) o;
            return s.hash == hash && s.holesEncoding == holesEncoding && s.base == base
                    && (holesEncoding ? Arrays.equals(s.holes, holes) : Arrays.equals(s.words, words));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
