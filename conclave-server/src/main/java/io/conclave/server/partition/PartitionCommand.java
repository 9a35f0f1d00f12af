package io.conclave.server.partition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a partition's Raft log. {@code APPEND} carries a batch of records with the offset the
 * leader expects it to start at (validated at apply: a batch whose base is not the partition's next
 * offset is refused as fenced) and the producer's id and sequence (deduplicated at apply).
 * {@code SYNC} is a barrier the leader proposes to learn the partition's next offset after a change
 * of leader. {@code gapAllowed} marks an EVENTUAL batch: its producer's earlier EVENTUAL batches may
 * have been lost with a leader (acknowledged on append, never replicated), so its sequence may follow
 * a gap; duplicates are still refused. Layout: magic, type, then the fields; records as (flags, key,
 * value, timestamp, headers).
 */
public record PartitionCommand(Type type, long producerId, int sequence, boolean gapAllowed, long baseOffset,
                               long timestampMs, List<StoredRecord> records) {

    private static final byte MAGIC = (byte) 0xC7;
    static final int RECORD_OVERHEAD_BYTES = 32;

    public enum Type { APPEND, SYNC }

    /** One record as stored: key null when absent. */
    public record StoredRecord(byte[] key, byte[] value, long timestampMs, List<Header> headers) {
        public StoredRecord {
            headers = List.copyOf(headers);
        }

        public int sizeBytes() {
            return PartitionCommand.sizeBytes(key == null ? 0 : key.length, value.length, headers);
        }
    }

    /** A record's size as counted for retention and batch sizes (not its encoded length). */
    static int sizeBytes(int keyBytes, int valueBytes, List<Header> headers) {
        int n = RECORD_OVERHEAD_BYTES + keyBytes + valueBytes;
        for (Header h : headers) {
            n += 8 + h.key().length() * 3 + h.value().length;
        }
        return n;
    }

    /**
     * One record of an encoded command, seen in place: its key and value are ranges of {@code data}
     * ({@code keyOffset < 0} when it has no key). For the apply path, which only checksums them.
     */
    public interface RecordVisitor {
        void record(byte[] data, int keyOffset, int keyBytes, int valueOffset, int valueBytes, long timestampMs,
                    List<Header> headers);
    }

    /**
     * An encoded command's fields without its records copied out ({@link #decode} copies every key and
     * value, which applying an entry on every replica does not need: a fifth of a node's allocation
     * under produce load). {@link #forEachRecord} walks the records in place.
     */
    public record View(Type type, long producerId, int sequence, boolean gapAllowed, long baseOffset,
                       long timestampMs, int recordCount, byte[] data, int recordsAt) {

        /** Visits every record in order. */
        public void forEachRecord(RecordVisitor v) {
            ByteBuffer b = ByteBuffer.wrap(data);
            b.position(recordsAt);
            for (int i = 0; i < recordCount; i++) {
                boolean hasKey = b.get() == 1;
                int keyBytes = b.getInt();
                int keyAt = b.position();
                b.position(keyAt + keyBytes);
                int valueBytes = b.getInt();
                int valueAt = b.position();
                b.position(valueAt + valueBytes);
                long ts = b.getLong();
                List<Header> headers = getHeaders(b);
                v.record(data, hasKey ? keyAt : -1, keyBytes, valueAt, valueBytes, ts, headers);
            }
        }
    }

    /** Null for an entry that is not a partition command (a leader's empty no-op). */
    public static View view(byte[] data) {
        if (data.length == 0 || data[0] != MAGIC) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        b.get();
        Type type = Type.values()[b.get()];
        long pid = b.getLong();
        int seq = b.getInt();
        boolean gapAllowed = b.get() == 1;
        long base = b.getLong();
        long ts = b.getLong();
        int n = b.getInt();
        return new View(type, pid, seq, gapAllowed, base, ts, n, data, b.position());
    }

    public record Header(String key, byte[] value) {
    }

    public PartitionCommand {
        records = List.copyOf(records);
    }

    public static PartitionCommand sync() {
        return new PartitionCommand(Type.SYNC, 0, 0, false, 0, 0, List.of());
    }

    public byte[] encode() {
        int size = 1 + 1 + 8 + 4 + 1 + 8 + 8 + 4;
        for (StoredRecord r : records) {
            size += encodedBytes(r);
        }
        // exactly the encoded length: the buffer's array is the entry, not copied once more
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).put((byte) type.ordinal()).putLong(producerId).putInt(sequence).put((byte) (gapAllowed ? 1 : 0))
                .putLong(baseOffset)
                .putLong(timestampMs).putInt(records.size());
        for (StoredRecord r : records) {
            b.put((byte) (r.key() == null ? 0 : 1));
            putBytes(b, r.key() == null ? new byte[0] : r.key());
            putBytes(b, r.value());
            b.putLong(r.timestampMs());
            b.putInt(r.headers().size());
            for (Header h : r.headers()) {
                putBytes(b, h.key().getBytes(StandardCharsets.UTF_8));
                putBytes(b, h.value());
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("encoded " + b.position() + " bytes, sized " + size);
        }
        return b.array();
    }

    private static int encodedBytes(StoredRecord r) {
        int n = 1 + 4 + (r.key() == null ? 0 : r.key().length) + 4 + r.value().length + 8 + 4;
        for (Header h : r.headers()) {
            n += 4 + h.key().getBytes(StandardCharsets.UTF_8).length + 4 + h.value().length;
        }
        return n;
    }

    /** Null for an entry that is not a partition command (a leader's empty no-op). */
    public static PartitionCommand decode(byte[] data) {
        View v = view(data);
        if (v == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        b.position(v.recordsAt());
        List<StoredRecord> records = new ArrayList<>(v.recordCount());
        for (int i = 0; i < v.recordCount(); i++) {
            boolean hasKey = b.get() == 1;
            byte[] key = getBytes(b);
            byte[] value = getBytes(b);
            long rts = b.getLong();
            records.add(new StoredRecord(hasKey ? key : null, value, rts, getHeaders(b)));
        }
        return new PartitionCommand(v.type(), v.producerId(), v.sequence(), v.gapAllowed(), v.baseOffset(),
                v.timestampMs(), records);
    }

    private static void putBytes(ByteBuffer b, byte[] v) {
        b.putInt(v.length).put(v);
    }

    private static List<Header> getHeaders(ByteBuffer b) {
        int hn = b.getInt();
        if (hn == 0) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>(hn);
        for (int h = 0; h < hn; h++) {
            headers.add(new Header(new String(getBytes(b), StandardCharsets.UTF_8), getBytes(b)));
        }
        return headers;
    }

    private static byte[] getBytes(ByteBuffer b) {
        byte[] v = new byte[b.getInt()];
        b.get(v);
        return v;
    }
}
