package io.conclave.raft;

import java.util.Arrays;

/**
 * One entry of a Raft log. Immutable: {@code data} is never modified after construction and callers
 * must not modify the array they passed in or got back.
 *
 * @param term the term in which a leader created the entry
 * @param index the entry's position in the log, from 1
 * @param type what the data holds
 * @param data the payload; empty (never null) for a leader's no-op entry
 */
public record Entry(long term, long index, EntryType type, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("term and index must be >= 0: term=" + term + " index=" + index);
        }
        if (type == null) {
            throw new IllegalArgumentException("type is null");
        }
        if (data == null) {
            data = EMPTY;
        }
    }

    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, EntryType.NORMAL, data);
    }

    /** The size counted against byte limits: payload plus a fixed per-entry overhead. */
    public long sizeBytes() {
        return data.length + 24L;
    }

    /** A copy of this entry with another position; used when a proposal is placed in the log. */
    public Entry withTermAndIndex(long newTerm, long newIndex) {
        return new Entry(newTerm, newIndex, type, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.term == term && e.index == index && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(term) * 31 * 31 + Long.hashCode(index) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return term + "/" + index + (type == EntryType.NORMAL ? "" : "/" + type) + "(" + data.length + "B)";
    }
}
