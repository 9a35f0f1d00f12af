package io.conclave.sim.machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write carried in a Raft entry.
 *
 * @param kind what it does
 * @param opId the client operation it came from (unique in the run), so the proposing node can answer it
 * @param key the register or log
 * @param value the value written
 * @param expected for CAS: the value compared against (null = absent)
 */
public record Command(Kind kind, long opId, String key, String value, String expected) {

    /** The kinds of write. */
    public enum Kind {
        /** Set a register. */
        PUT,
        /** Set a register if it holds {@code expected}. */
        CAS,
        /** Append to a log. */
        APPEND
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + key.length() + value.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind.ordinal());
            out.writeLong(opId);
            out.writeUTF(key);
            out.writeUTF(value);
            out.writeBoolean(expected != null);
            if (expected != null) {
                out.writeUTF(expected);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes an entry's data; throws IllegalArgumentException when it is not a command. */
    public static Command decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int k = in.readByte();
            if (k < 0 || k >= Kind.values().length) {
                throw new IllegalArgumentException("unknown command kind " + k);
            }
            long opId = in.readLong();
            String key = in.readUTF();
            String value = in.readUTF();
            String expected = in.readBoolean() ? in.readUTF() : null;
            return new Command(Kind.values()[k], opId, key, value, expected);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed command of " + data.length + " bytes", e);
        }
    }
}
