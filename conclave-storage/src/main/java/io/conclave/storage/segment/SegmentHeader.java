package io.conclave.storage.segment;

/**
 * The 32 bytes at the start of every segment file, big-endian:
 * {@code [magic u32 "CLSG"][version u8][kind u8][reserved u16][baseIndex u64][prevTerm u64][epoch u32][crc32c u32]}
 * with the CRC32C over the 28 bytes before it. {@code prevTerm} is the term of entry {@code baseIndex - 1},
 * so a log whose older segments are gone still knows the term at its first index - 1.
 *
 * @param kind {@link Kind#ROLL} when the segment continues the one before it, {@link Kind#RESET} when it
 *     was made by {@link SegmentLog#reset}
 * @param epoch how many resets the log has been through: a reset publishes its segment with a higher epoch
 *     than any before, and recovery keeps only the segments of the highest epoch, so a crash during a reset
 *     leaves either the old log or the new one
 */
record SegmentHeader(Kind kind, long epoch, long baseIndex, long prevTerm) {

    static final int BYTES = 32;
    static final int MAGIC = 0x434c5347;
    static final byte VERSION = 1;
    static final long EPOCH_MAX = 0xffffffffL;

    /** Why a segment was created. */
    enum Kind {
        /** Rolled from the previous segment: its base is the previous segment's last index + 1. */
        ROLL,
        /** Written by a reset to a snapshot. */
        RESET
    }

    SegmentHeader {
        if (epoch < 0 || epoch > EPOCH_MAX) {
            throw new IllegalArgumentException("segment epoch out of range: " + epoch);
        }
    }

    byte[] encode() {
        byte[] b = new byte[BYTES];
        RecordFormat.putInt(b, 0, MAGIC);
        b[4] = VERSION;
        b[5] = (byte) (kind.ordinal() + 1);
        RecordFormat.putLong(b, 8, baseIndex);
        RecordFormat.putLong(b, 16, prevTerm);
        RecordFormat.putInt(b, 24, (int) epoch);
        RecordFormat.putInt(b, 28, RecordFormat.crc(b, 0, 28));
        return b;
    }

    /** The header in {@code b[0, BYTES)}, or null with the reason in {@code why[0]} when it is not valid. */
    static SegmentHeader decode(byte[] b, int len, String[] why) {
        if (len < BYTES) {
            why[0] = "segment header is incomplete (" + len + " of " + BYTES + " bytes)";
            return null;
        }
        if (RecordFormat.getInt(b, 28) != RecordFormat.crc(b, 0, 28)) {
            why[0] = "segment header CRC mismatch";
            return null;
        }
        if (RecordFormat.getInt(b, 0) != MAGIC || b[4] != VERSION || b[5] < 1 || b[5] > 2) {
            why[0] = "not a version " + VERSION + " segment header";
            return null;
        }
        return new SegmentHeader(Kind.values()[b[5] - 1], RecordFormat.getInt(b, 24) & 0xffffffffL,
                RecordFormat.getLong(b, 8), RecordFormat.getLong(b, 16));
    }
}
