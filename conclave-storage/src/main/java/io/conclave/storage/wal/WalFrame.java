package io.conclave.storage.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame of one WAL record: {@code length:int crc:int fileSeq:long groupId:long kind:byte payload},
 * where {@code length} counts the bytes after the header (groupId, kind and payload) and {@code crc} is
 * the CRC32C of those same bytes XOR the CRC32C of {@code fileSeq}'s eight bytes, so that both are
 * checked. A zero length, a length beyond the configured maximum or past the end of the data, a bad
 * CRC or an unknown kind ends the valid part of a file.
 *
 * <p>{@code fileSeq} is the number of the WAL file the frame was written to, stamped by
 * {@link WalLog#append}: the encoder writes 0, and stamping swaps the check of 0 for the file's in the
 * CRC, with no second pass over the payload. It is what tells a recycled file's records from the frames
 * its earlier life left after them: those decode as good frames of an older file (docs/storage-wal.md).
 */
public final class WalFrame {

    /** length + crc + fileSeq. */
    public static final int HEADER_BYTES = 16;
    /** Where a frame's {@code fileSeq} sits, from the frame's start. */
    static final int FILE_SEQ_OFFSET = 8;
    /** {@link #seqCheck} of 0, the number an encoder writes. */
    private static final int SEQ_CHECK_ZERO = seqCheck(0);
    /** groupId + kind. */
    public static final int BODY_PREFIX_BYTES = 9;

    private WalFrame() {
    }

    /** The bytes a frame with a payload of {@code payloadBytes} occupies. */
    public static int frameBytes(int payloadBytes) {
        return HEADER_BYTES + BODY_PREFIX_BYTES + payloadBytes;
    }

    /**
     * Starts a frame at the buffer's position: reserves the header and writes groupId and kind.
     * Write the payload next, then call {@link #end}.
     *
     * @return the frame's start position, to pass to {@link #end}
     */
    public static int begin(ByteBuffer out, long groupId, WalRecordKind kind) {
        int start = out.position();
        out.putInt(0).putInt(0).putLong(0).putLong(groupId).put(kind.code());
        return start;
    }

    /**
     * Writes {@code fileSeq} into the header of every frame in {@code data[0, length)} (frames laid end
     * to end from offset 0, as a batch is encoded); a last frame cut short by {@code length} is stamped
     * as far as its header reaches.
     */
    static void stampFileSeq(byte[] data, int length, long fileSeq) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int check = seqCheck(fileSeq);
        int pos = 0;
        while (pos + HEADER_BYTES <= length) {
            int swap = seqCheck(b.getLong(pos + FILE_SEQ_OFFSET)) ^ check;
            b.putInt(pos + 4, b.getInt(pos + 4) ^ swap);
            b.putLong(pos + FILE_SEQ_OFFSET, fileSeq);
            int frameLength = b.getInt(pos);
            if (frameLength < 0) {
                break; // not a frame this writer encoded
            }
            pos += HEADER_BYTES + frameLength;
        }
    }

    /**
     * Whether the frame at {@code pos} would decode were its {@code fileSeq} slot {@code fileSeq}: a frame
     * of that file whose number alone was damaged.
     */
    static boolean checksAs(ByteBuffer data, int pos, int recordBytesMax, long fileSeq) {
        if (data.limit() - pos < HEADER_BYTES) {
            return false;
        }
        int length = data.getInt(pos);
        if (length < BODY_PREFIX_BYTES || length > recordBytesMax || length > data.limit() - pos - HEADER_BYTES) {
            return false;
        }
        return (crc(data, pos + HEADER_BYTES, length) ^ seqCheck(fileSeq)) == data.getInt(pos + 4);
    }

    /** The {@code fileSeq} slot at {@code pos}, or -1 when the data ends before it. */
    static long fileSeqAt(ByteBuffer data, int pos) {
        return data.limit() - pos < HEADER_BYTES ? -1 : data.getLong(pos + FILE_SEQ_OFFSET);
    }

    /** Completes the frame started at {@code start}: fills in its length and CRC. */
    public static void end(ByteBuffer out, int start) {
        int bodyStart = start + HEADER_BYTES;
        int length = out.position() - bodyStart;
        out.putInt(start, length);
        out.putInt(start + 4, crc(out, bodyStart, length) ^ seqCheck(out.getLong(start + FILE_SEQ_OFFSET)));
    }

    /** The CRC32C of a file number's eight bytes (big-endian): its part of a frame's {@code crc}. */
    static int seqCheck(long fileSeq) {
        if (fileSeq == 0 && SEQ_CHECK_ZERO != 0) {
            return SEQ_CHECK_ZERO;
        }
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, fileSeq));
        return (int) crc.getValue();
    }

    static int crc(ByteBuffer buf, int from, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = buf.duplicate();
        slice.limit(from + length).position(from);
        crc.update(slice);
        return (int) crc.getValue();
    }

    /** The outcome of decoding the frame at a position: a record, or why the valid data ends there. */
    public sealed interface Decoded permits Good, End {
    }

    /** A good frame, written to file {@code fileSeq}. */
    public record Good(long fileSeq, long groupId, WalRecordKind kind, byte[] payload, int frameBytes) implements Decoded {
    }

    /** No good frame at this position. */
    public record End(String reason) implements Decoded {
    }

    /** Decodes the frame at {@code pos} of {@code data} (whose limit is the end of the file's data). */
    public static Decoded decode(ByteBuffer data, int pos, int recordBytesMax) {
        int remaining = data.limit() - pos;
        if (remaining < HEADER_BYTES) {
            return new End(remaining == 0 ? "end of file" : "torn header (" + remaining + " bytes)");
        }
        int length = data.getInt(pos);
        int crc = data.getInt(pos + 4);
        if (length == 0 && crc == 0) {
            return new End("zero header");
        }
        if (length < BODY_PREFIX_BYTES || length > recordBytesMax) {
            return new End("bad length " + length);
        }
        if (length > remaining - HEADER_BYTES) {
            return new End("torn record: length " + length + " but " + (remaining - HEADER_BYTES) + " bytes left");
        }
        if ((crc(data, pos + HEADER_BYTES, length) ^ seqCheck(data.getLong(pos + FILE_SEQ_OFFSET))) != crc) {
            return new End("bad CRC");
        }
        long groupId = data.getLong(pos + HEADER_BYTES);
        WalRecordKind kind = WalRecordKind.ofCode(data.get(pos + HEADER_BYTES + 8));
        if (kind == null) {
            return new End("unknown record kind " + data.get(pos + HEADER_BYTES + 8));
        }
        byte[] payload = new byte[length - BODY_PREFIX_BYTES];
        data.get(pos + HEADER_BYTES + BODY_PREFIX_BYTES, payload);
        return new Good(data.getLong(pos + FILE_SEQ_OFFSET), groupId, kind, payload, HEADER_BYTES + length);
    }
}
