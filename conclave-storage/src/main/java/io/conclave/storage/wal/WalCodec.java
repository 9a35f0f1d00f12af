package io.conclave.storage.wal;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes and decodes the payloads of WAL records (big-endian). A payload that does not decode
 * (impossible after a good CRC unless the writer had a bug) throws {@link IllegalStateException}.
 *
 * <pre>
 * ENTRIES        count:int, then per entry term:long index:long type:byte length:int data
 * HARD_STATE     term:long vote:long commit:long
 * SNAPSHOT_MARK  index:long term:long confState
 * TRUNCATE       compactIndex:long
 * DELETE_GROUP   incarnation:long (the deleted incarnation of the group id)
 * confState      voters learners votersOutgoing learnersNext (each count:int ids:long...) autoLeave:byte
 * </pre>
 */
public final class WalCodec {

    private static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;

    private WalCodec() {
    }

    public static int entriesSizeBytes(List<Entry> entries) {
        int size = 4;
        for (Entry e : entries) {
            size += ENTRY_HEADER_BYTES + e.data().length;
        }
        return size;
    }

    /** The most data one entry may carry so that its ENTRIES record fits in {@code recordBytesMax}. */
    public static int entryDataBytesMax(int recordBytesMax) {
        return recordBytesMax - WalFrame.BODY_PREFIX_BYTES - 4 - ENTRY_HEADER_BYTES;
    }

    /**
     * Cuts {@code entries} into runs whose ENTRIES records each fit in {@code recordBytesMax}, in
     * order: a leader's Ready of many large proposals, or a follower's catch-up, may hold more than
     * one record can. Every run is a view of {@code entries}.
     *
     * @throws IllegalArgumentException when one entry alone does not fit
     */
    public static List<List<Entry>> recordRuns(List<Entry> entries, int recordBytesMax) {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<List<Entry>> runs = new ArrayList<>(1);
        int from = 0;
        long bytes = WalFrame.BODY_PREFIX_BYTES + 4;
        for (int i = 0; i < entries.size(); i++) {
            int data = entries.get(i).data().length;
            if (data > entryDataBytesMax(recordBytesMax)) {
                throw new IllegalArgumentException("entry " + entries.get(i).index() + " carries " + data
                        + " bytes, over the " + entryDataBytesMax(recordBytesMax) + " a WAL record can hold");
            }
            long size = ENTRY_HEADER_BYTES + data;
            if (i > from && bytes + size > recordBytesMax) {
                runs.add(entries.subList(from, i));
                from = i;
                bytes = WalFrame.BODY_PREFIX_BYTES + 4;
            }
            bytes += size;
        }
        runs.add(entries.subList(from, entries.size()));
        return runs;
    }

    public static void putEntries(ByteBuffer out, List<Entry> entries) {
        out.putInt(entries.size());
        for (Entry e : entries) {
            out.putLong(e.term()).putLong(e.index()).put((byte) e.type().ordinal());
            out.putInt(e.data().length).put(e.data());
        }
    }

    public static List<Entry> getEntries(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            int count = in.getInt();
            checkCount(count, payload.length / ENTRY_HEADER_BYTES + 1);
            List<Entry> out = new ArrayList<>(count);
            EntryType[] types = EntryType.values();
            for (int i = 0; i < count; i++) {
                long term = in.getLong();
                long index = in.getLong();
                int type = in.get();
                if (type < 0 || type >= types.length) {
                    throw new IllegalStateException("unknown entry type " + type + " in WAL payload");
                }
                int length = in.getInt();
                checkCount(length, in.remaining());
                byte[] data = new byte[length];
                in.get(data);
                out.add(new Entry(term, index, types[type], data));
            }
            checkConsumed(in);
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("entries payload of " + payload.length + " bytes is short", e);
        }
    }

    public static final int HARD_STATE_BYTES = 24;

    public static void putHardState(ByteBuffer out, HardState hs) {
        out.putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit());
    }

    public static HardState getHardState(byte[] payload) {
        if (payload.length != HARD_STATE_BYTES) {
            throw new IllegalStateException("hard state payload has " + payload.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        return new HardState(in.getLong(), in.getLong(), in.getLong());
    }

    public static int snapshotMarkSizeBytes(SnapshotMetadata m) {
        ConfState cs = m.confState();
        return 16 + confStateSizeBytes(cs);
    }

    public static void putSnapshotMark(ByteBuffer out, SnapshotMetadata m) {
        out.putLong(m.index()).putLong(m.term());
        putConfState(out, m.confState());
    }

    public static SnapshotMetadata getSnapshotMark(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            long index = in.getLong();
            long term = in.getLong();
            ConfState cs = getConfState(in);
            checkConsumed(in);
            return new SnapshotMetadata(index, term, cs);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("snapshot mark payload of " + payload.length + " bytes is short", e);
        }
    }

    public static final int TRUNCATE_BYTES = 8;

    public static void putTruncate(ByteBuffer out, long compactIndex) {
        out.putLong(compactIndex);
    }

    public static long getTruncate(byte[] payload) {
        if (payload.length != TRUNCATE_BYTES) {
            throw new IllegalStateException("truncate payload has " + payload.length + " bytes");
        }
        return ByteBuffer.wrap(payload).getLong();
    }

    public static final int DELETE_GROUP_BYTES = 8;

    public static void putDeleteGroup(ByteBuffer out, long incarnation) {
        out.putLong(incarnation);
    }

    public static long getDeleteGroup(byte[] payload) {
        if (payload.length != DELETE_GROUP_BYTES) {
            throw new IllegalStateException("delete-group payload has " + payload.length + " bytes");
        }
        return ByteBuffer.wrap(payload).getLong();
    }

    public static int confStateSizeBytes(ConfState cs) {
        return 4 * 4 + 8 * (cs.voters().size() + cs.learners().size() + cs.votersOutgoing().size()
                + cs.learnersNext().size()) + 1;
    }

    public static void putConfState(ByteBuffer out, ConfState cs) {
        putIds(out, cs.voters());
        putIds(out, cs.learners());
        putIds(out, cs.votersOutgoing());
        putIds(out, cs.learnersNext());
        out.put((byte) (cs.autoLeave() ? 1 : 0));
    }

    public static ConfState getConfState(ByteBuffer in) {
        Set<Long> voters = getIds(in);
        Set<Long> learners = getIds(in);
        Set<Long> outgoing = getIds(in);
        Set<Long> next = getIds(in);
        boolean autoLeave = in.get() != 0;
        return new ConfState(voters, learners, outgoing, next, autoLeave);
    }

    private static void putIds(ByteBuffer out, Set<Long> ids) {
        out.putInt(ids.size());
        for (long id : ids) {
            out.putLong(id);
        }
    }

    private static Set<Long> getIds(ByteBuffer in) {
        int count = in.getInt();
        checkCount(count, in.remaining() / 8);
        TreeSet<Long> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.getLong());
        }
        return ids;
    }

    private static void checkCount(int count, int max) {
        if (count < 0 || count > max) {
            throw new IllegalStateException("count " + count + " out of range [0, " + max + "] in WAL payload");
        }
    }

    private static void checkConsumed(ByteBuffer in) {
        if (in.hasRemaining()) {
            throw new IllegalStateException(in.remaining() + " trailing bytes in WAL payload");
        }
    }
}
