package io.conclave.storage.segment;

import java.util.Arrays;

/**
 * The terms of a log as runs: each run starts at an index and holds one term until the next run. Terms
 * change rarely, so this answers {@code term(index)} for a whole log in a few words of memory.
 */
final class TermRuns {

    private long[] starts = new long[4];
    private long[] terms = new long[4];
    private int count;

    /** Forgets everything; the log now starts after {@code index}, whose term is {@code term}. */
    void reset(long index, long term) {
        count = 0;
        add(index, term);
    }

    /** Records that entry {@code index} (the next after the last one recorded) has {@code term}. */
    void append(long index, long term) {
        if (count == 0 || terms[count - 1] != term) {
            add(index, term);
        }
    }

    private void add(long index, long term) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            terms = Arrays.copyOf(terms, count * 2);
        }
        starts[count] = index;
        terms[count] = term;
        count++;
    }

    /** The term at {@code index}; the caller keeps index within the log's known range. */
    long termAt(long index) {
        int lo = 0;
        int hi = count - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= index) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return terms[found];
    }

    /** Drops what is known about indexes >= {@code index}, keeping at least the first run. */
    void truncateFrom(long index) {
        while (count > 1 && starts[count - 1] >= index) {
            count--;
        }
    }

    /** Drops runs that end before {@code index}, so the first run covers it. */
    void compactTo(long index) {
        int keepFrom = 0;
        while (keepFrom + 1 < count && starts[keepFrom + 1] <= index) {
            keepFrom++;
        }
        if (keepFrom > 0) {
            System.arraycopy(starts, keepFrom, starts, 0, count - keepFrom);
            System.arraycopy(terms, keepFrom, terms, 0, count - keepFrom);
            count -= keepFrom;
        }
    }
}
