package io.conclave.storage.disk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated file's contents (an inode: names point at it, handles hold it). Keeps the current
 * bytes, the durable bytes (as of the last sync) and the writes and truncations made since, in order,
 * so that a crash can keep any prefix of them.
 */
final class SimFile {

    /** A write or a truncation not yet made durable; a truncation has {@code data == null}. */
    private record Op(long pos, byte[] data) {
    }

    private byte[] current = new byte[0];
    private int currentSize;
    private byte[] durable = new byte[0];
    private int durableSize;
    private final List<Op> pending = new ArrayList<>();
    int links;
    int opens;

    int size() {
        return currentSize;
    }

    int durableSize() {
        return durableSize;
    }

    boolean hasUnsynced() {
        return !pending.isEmpty();
    }

    int read(long pos, byte[] dst, int off, int len) {
        if (pos >= currentSize) {
            return 0;
        }
        int n = (int) Math.min(len, currentSize - pos);
        System.arraycopy(current, (int) pos, dst, off, n);
        return n;
    }

    void write(long pos, byte[] src, int off, int len, int pendingOpsMax) {
        byte[] copy = Arrays.copyOfRange(src, off, off + len);
        addPending(new Op(pos, copy), pendingOpsMax);
        current = put(current, currentSize, pos, copy, copy.length);
        currentSize = (int) Math.max(currentSize, pos + len);
    }

    void truncate(long size, int pendingOpsMax) {
        if (size >= currentSize) {
            return;
        }
        addPending(new Op(size, null), pendingOpsMax);
        currentSize = (int) size;
    }

    /**
     * Queues an unsynced operation. Past {@code pendingOpsMax} the older half is written back (made
     * durable), as an operating system flushes dirty pages in the background; this bounds memory for files
     * that are never synced (index caches) and only ever makes more data durable than a sync promised.
     */
    private void addPending(Op op, int pendingOpsMax) {
        pending.add(op);
        if (pending.size() > pendingOpsMax) {
            List<Op> older = pending.subList(0, pending.size() / 2);
            for (Op o : older) {
                applyDurable(o, o.data == null ? 0 : o.data.length);
            }
            older.clear();
        }
    }

    /** Applies every pending operation to the durable bytes. */
    void sync() {
        for (Op op : pending) {
            applyDurable(op, op.data == null ? 0 : op.data.length);
        }
        pending.clear();
    }

    /** A failed writeback: the unsynced operations are lost and the file reads as its durable bytes. */
    void dropUnsynced() {
        pending.clear();
        current = Arrays.copyOf(durable, Math.max(durableSize, 16));
        currentSize = durableSize;
    }

    /** The bytes as power loss leaves them: durable ones plus a seeded prefix of pending ops, the last maybe torn. */
    SimFile afterCrash(SplittableRandom random) {
        SimFile f = new SimFile();
        f.durable = Arrays.copyOf(durable, durableSize);
        f.durableSize = durableSize;
        int kept = random.nextInt(pending.size() + 1);
        for (int i = 0; i < kept; i++) {
            Op op = pending.get(i);
            f.applyDurable(op, op.data == null ? 0 : op.data.length);
        }
        if (kept < pending.size() && pending.get(kept).data != null && random.nextBoolean()) {
            Op torn = pending.get(kept);
            f.applyDurable(torn, random.nextInt(torn.data.length + 1));
        }
        f.current = Arrays.copyOf(f.durable, f.durableSize);
        f.currentSize = f.durableSize;
        return f;
    }

    /** A fault: flips bit {@code bit} of the durable bytes (and of the current ones when they reach it). */
    void flipBit(long bit) {
        int pos = (int) (bit >>> 3);
        byte mask = (byte) (1 << (bit & 7));
        if (pos < durableSize) {
            durable[pos] ^= mask;
        }
        if (pos < currentSize) {
            current[pos] ^= mask;
        }
    }

    /** A fault: the file loses everything from {@code size} on, durably. */
    void cut(long size) {
        if (size < durableSize) {
            durableSize = (int) size;
        }
        if (size < currentSize) {
            pending.add(new Op(size, null));
            currentSize = (int) size;
        }
    }

    private void applyDurable(Op op, int len) {
        if (op.data == null) {
            durableSize = (int) Math.min(durableSize, op.pos);
            return;
        }
        durable = put(durable, durableSize, op.pos, op.data, len);
        durableSize = (int) Math.max(durableSize, op.pos + len);
    }

    /** Writes {@code data[0, len)} at {@code pos} into {@code buf} holding {@code size} valid bytes; zero-fills a hole. */
    private static byte[] put(byte[] buf, int size, long pos, byte[] data, int len) {
        long end = pos + len;
        if (end > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("simulated files are limited to 2 GiB");
        }
        if (end > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 16, buf.length * 2L)));
        }
        if (pos > size) {
            Arrays.fill(buf, size, (int) pos, (byte) 0);
        }
        System.arraycopy(data, 0, buf, (int) pos, len);
        return buf;
    }
}
