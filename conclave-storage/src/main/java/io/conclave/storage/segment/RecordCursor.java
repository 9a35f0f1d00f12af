package io.conclave.storage.segment;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.storage.disk.FileHandle;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads and verifies records of one segment file through a buffer. {@link #readAt} parses the record at a
 * position and says whether it is whole and intact; on {@link Status#OK} the fields describe it.
 */
final class RecordCursor {

    /** What {@link #readAt} found. */
    enum Status {
        /** A whole record whose CRC matches. */
        OK,
        /** The position is at the end of the readable bytes. */
        END,
        /** The record runs past the end of the file. */
        TRUNCATED,
        /** The length field is outside the possible range. */
        BAD_LENGTH,
        /** The CRC does not match the bytes. */
        BAD_CRC,
        /** The CRC matches but the type byte names no entry type. */
        BAD_TYPE
    }

    private final int dataBytesMax;
    private byte[] buf;
    private FileHandle file;
    private long end;
    private long bufStart;
    private int bufLen;

    long term;
    long index;
    EntryType type;
    long timestampMs;
    int frameBytes;
    private int dataOff;

    RecordCursor(int bufferBytes, int dataBytesMax) {
        this.buf = new byte[bufferBytes];
        this.dataBytesMax = dataBytesMax;
    }

    /** Points the cursor at {@code file}, whose bytes [0, end) it may read. */
    void target(FileHandle file, long end) {
        this.file = file;
        this.end = end;
        this.bufLen = 0;
    }

    Status readAt(long pos) throws IOException {
        if (pos >= end) {
            return Status.END;
        }
        if (load(pos, RecordFormat.HEADER_BYTES) < 4) {
            return Status.TRUNCATED;
        }
        int length = RecordFormat.getInt(buf, off(pos));
        if (length < RecordFormat.FIXED_BODY_BYTES || length - RecordFormat.FIXED_BODY_BYTES > dataBytesMax) {
            return Status.BAD_LENGTH;
        }
        int frame = 8 + length;
        if (load(pos, frame) < frame) {
            return Status.TRUNCATED;
        }
        int o = off(pos);
        if (RecordFormat.getInt(buf, o + RecordFormat.OFF_CRC) != RecordFormat.crc(buf, o + RecordFormat.OFF_TERM, length)) {
            return Status.BAD_CRC;
        }
        type = RecordFormat.type(buf[o + RecordFormat.OFF_TYPE]);
        if (type == null) {
            return Status.BAD_TYPE;
        }
        term = RecordFormat.getLong(buf, o + RecordFormat.OFF_TERM);
        index = RecordFormat.getLong(buf, o + RecordFormat.OFF_INDEX);
        timestampMs = RecordFormat.getLong(buf, o + RecordFormat.OFF_TIMESTAMP);
        frameBytes = frame;
        dataOff = o + RecordFormat.HEADER_BYTES;
        return Status.OK;
    }

    /** The entry of the record last read with {@link Status#OK}. */
    Entry entry() {
        return new Entry(term, index, type, Arrays.copyOfRange(buf, dataOff, dataOff + frameBytes - RecordFormat.HEADER_BYTES));
    }

    /**
     * Whether an intact record with an index above {@code indexAbove} and a term of at least {@code termMin}
     * starts anywhere in (from, end): if so, a bad record at {@code from} is not a torn tail.
     *
     * @return the position of the first such record, or -1
     */
    long findIntactAfter(long from, long indexAbove, long termMin) throws IOException {
        for (long p = from + 1; p + RecordFormat.HEADER_BYTES <= end; p++) {
            if (load(p, RecordFormat.HEADER_BYTES) < RecordFormat.HEADER_BYTES) {
                return -1;
            }
            int o = off(p);
            long idx = RecordFormat.getLong(buf, o + RecordFormat.OFF_INDEX);
            long t = RecordFormat.getLong(buf, o + RecordFormat.OFF_TERM);
            if (idx > indexAbove && t >= termMin && readAt(p) == Status.OK) {
                return p;
            }
        }
        return -1;
    }

    /** Makes [pos, pos + n) buffered when the file has it; returns how many of those bytes are buffered. */
    private int load(long pos, int n) throws IOException {
        int want = (int) Math.min(n, end - pos);
        if (pos >= bufStart && pos + want <= bufStart + bufLen) {
            return want;
        }
        if (want > buf.length) {
            buf = new byte[want];
        }
        int toRead = (int) Math.min(buf.length, end - pos);
        bufLen = file.read(pos, buf, 0, toRead);
        bufStart = pos;
        return Math.min(want, bufLen);
    }

    private int off(long pos) {
        return (int) (pos - bufStart);
    }
}
