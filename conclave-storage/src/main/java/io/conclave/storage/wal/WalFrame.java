package io.conclave.storage.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame of one WAL record: {@code length:int crc:int groupId:long kind:byte payload}, where
 * {@code length} counts the bytes after the header (groupId, kind and payload) and {@code crc} is
 * the CRC32C of those same bytes. A zero length, a length beyond the configured maximum or past the
 * end of the data, a bad CRC or an unknown kind ends the valid part of a file.
 */
public final class WalFrame {

    /** length + crc. */
    public static final int HEADER_BYTES = 8;
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
        out.putInt(0).putInt(0).putLong(groupId).put(kind.code());
        return start;
    }

    /** Completes the frame started at {@code start}: fills in its length and CRC. */
    public static void end(ByteBuffer out, int start) {
        int bodyStart = start + HEADER_BYTES;
        int length = out.position() - bodyStart;
        out.putInt(start, length);
        out.putInt(start + 4, crc(out, bodyStart, length));
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

    /** A good frame. */
    public record Good(long groupId, WalRecordKind kind, byte[] payload, int frameBytes) implements Decoded {
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
        if (crc(data, pos + HEADER_BYTES, length) != crc) {
            return new End("bad CRC");
        }
        long groupId = data.getLong(pos + HEADER_BYTES);
        WalRecordKind kind = WalRecordKind.ofCode(data.get(pos + HEADER_BYTES + 8));
        if (kind == null) {
            return new End("unknown record kind " + data.get(pos + HEADER_BYTES + 8));
        }
        byte[] payload = new byte[length - BODY_PREFIX_BYTES];
        data.get(pos + HEADER_BYTES + BODY_PREFIX_BYTES, payload);
        return new Good(groupId, kind, payload, HEADER_BYTES + length);
    }
}
