package io.conclave.check.linear;

import java.util.Arrays;

/**
 * The set of operations linearized so far, as a bitset over operation ids, with compact immutable
 * snapshots for the memo. The search linearizes roughly in time order, so a snapshot keeps only the
 * words between the first word that is not all ones and the last word that is not all zeros: small
 * even for histories of thousands of operations.
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

    Snapshot snapshot() {
        int start = firstNotFull;
        int end = Math.max(start, lastNonZero + 1);
        return new Snapshot(start, Arrays.copyOfRange(words, start, end));
    }

    /** An immutable copy, canonical: equal sets give equal snapshots. */
    static final class Snapshot {
        private final int startWord;
        private final long[] words;
        private final int hash;

        Snapshot(int startWord, long[] words) {
            this.startWord = startWord;
            this.words = words;
            this.hash = 31 * startWord + Arrays.hashCode(words);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Snapshot)) {
                return false;
            }
            Snapshot s = (Snapshot) o;
            return s.hash == hash && s.startWord == startWord && Arrays.equals(s.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
