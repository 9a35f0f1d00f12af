package io.conclave.storage.segment;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import java.util.zip.CRC32C;

/**
 * The frame of one log record, big-endian:
 * {@code [length u32][crc32c u32][term u64][index u64][type u8][timestampMs u64][data]}, where
 * {@code length} counts the bytes after the crc field (25 + data) and the CRC32C covers those same bytes.
 */
final class RecordFormat {

    /** Bytes before the data. */
    static final int HEADER_BYTES = 33;
    /** Bytes counted by {@code length} besides the data. */
    static final int FIXED_BODY_BYTES = 25;
    static final int OFF_CRC = 4;
    static final int OFF_TERM = 8;
    static final int OFF_INDEX = 16;
    static final int OFF_TYPE = 24;
    static final int OFF_TIMESTAMP = 25;

    private static final EntryType[] TYPES = EntryType.values();

    private RecordFormat() {
    }

    static int frameBytes(Entry e) {
        return HEADER_BYTES + e.data().length;
    }

    /** Writes the frame of {@code e} into {@code buf} at {@code pos}; returns the position after it. */
    static int encode(Entry e, long timestampMs, byte[] buf, int pos) {
        byte[] data = e.data();
        putInt(buf, pos, FIXED_BODY_BYTES + data.length);
        putLong(buf, pos + OFF_TERM, e.term());
        putLong(buf, pos + OFF_INDEX, e.index());
        buf[pos + OFF_TYPE] = (byte) e.type().ordinal();
        putLong(buf, pos + OFF_TIMESTAMP, timestampMs);
        System.arraycopy(data, 0, buf, pos + HEADER_BYTES, data.length);
        putInt(buf, pos + OFF_CRC, crc(buf, pos + OFF_TERM, FIXED_BODY_BYTES + data.length));
        return pos + HEADER_BYTES + data.length;
    }

    static int crc(byte[] buf, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(buf, off, len);
        return (int) c.getValue();
    }

    /** The entry type for a stored type byte, or null when the byte names none. */
    static EntryType type(byte b) {
        return b >= 0 && b < TYPES.length ? TYPES[b] : null;
    }

    static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    static void putLong(byte[] b, int p, long v) {
        putInt(b, p, (int) (v >>> 32));
        putInt(b, p + 4, (int) v);
    }

    static int getInt(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }

    static long getLong(byte[] b, int p) {
        return ((long) getInt(b, p) << 32) | (getInt(b, p + 4) & 0xffffffffL);
    }
}
