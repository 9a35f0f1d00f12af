package io.conclave.sim.disk;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.LogCompactedException;
import io.conclave.raft.storage.MemoryStorage;
import io.conclave.raft.storage.RaftStorage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link SimStorage} as two {@link MemoryStorage}s: the live one the replica reads and writes, and
 * the durable one a crash falls back to. Each write is applied to the live storage at once and
 * queued; {@link #sync} replays queued writes onto the durable storage. The planted bug
 * {@code dropFsync} makes {@link #sync} discard the queue instead, so nothing becomes durable while
 * the host is told it did.
 */
public final class MemorySimStorage implements SimStorage {

    private MemoryStorage live;
    private final MemoryStorage durable;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final boolean dropFsync;
    private long nextMark = 1;

    private record Pending(long mark, Consumer<MemoryStorage> op) {
    }

    private MemorySimStorage(MemoryStorage live, MemoryStorage durable, boolean dropFsync) {
        this.live = live;
        this.durable = durable;
        this.dropFsync = dropFsync;
    }

    /** A replica of a new group whose first voters are {@code voters}. */
    public static MemorySimStorage bootstrap(long[] voters, boolean dropFsync) {
        return new MemorySimStorage(MemoryStorage.withVoters(voters), MemoryStorage.withVoters(voters), dropFsync);
    }

    /** A new, empty replica that learns its membership from the leader. */
    public static MemorySimStorage empty(boolean dropFsync) {
        return new MemorySimStorage(new MemoryStorage(), new MemoryStorage(), dropFsync);
    }

    @Override
    public RaftStorage raftStorage() {
        return live;
    }

    @Override
    public long write(HardState hardState, List<Entry> entries, Snapshot snapshot) {
        Consumer<MemoryStorage> op = s -> writeTo(s, hardState, entries, snapshot);
        op.accept(live);
        return enqueue(op);
    }

    private static void writeTo(MemoryStorage s, HardState hs, List<Entry> entries, Snapshot snap) {
        if (snap != null && !snap.isEmpty() && snap.index() > s.snapshot().index()) {
            s.applySnapshot(snap);
        }
        if (entries != null && !entries.isEmpty()) {
            s.append(entries);
        }
        if (hs != null) {
            s.setHardState(hs);
        }
    }

    @Override
    public long snapshotAndCompact(long index, ConfState confState, byte[] data) {
        Consumer<MemoryStorage> op = s -> {
            if (index > s.snapshot().index() && index <= s.lastIndex() && index >= s.firstIndex() - 1) {
                s.createSnapshot(index, confState, data);
                s.compact(index);
            }
        };
        op.accept(live);
        return enqueue(op);
    }

    private long enqueue(Consumer<MemoryStorage> op) {
        long mark = nextMark++;
        pending.add(new Pending(mark, op));
        return mark;
    }

    @Override
    public void sync(long mark) {
        while (!pending.isEmpty() && pending.peekFirst().mark() <= mark) {
            Pending p = pending.pollFirst();
            if (!dropFsync) {
                p.op().accept(durable);
            }
        }
    }

    @Override
    public void crash() {
        pending.clear();
        live = copyOf(durable);
    }

    private static MemoryStorage copyOf(MemoryStorage src) {
        Snapshot snap = src.snapshot();
        MemoryStorage s;
        if (snap.isEmpty()) {
            ConfState cs = snap.metadata().confState();
            s = new MemoryStorage();
            if (!cs.voters().isEmpty()) {
                s = MemoryStorage.withVoters(cs.voters().stream().mapToLong(Long::longValue).toArray());
            }
        } else {
            s = new MemoryStorage();
            s.applySnapshot(snap);
        }
        if (src.lastIndex() >= src.firstIndex()) {
            s.append(src.entries(src.firstIndex(), src.lastIndex() + 1, Long.MAX_VALUE));
        }
        s.setHardState(src.hardState());
        return s;
    }

    @Override
    public HardState durableHardState() {
        return durable.hardState();
    }

    @Override
    public boolean isDurable(long index, long term) {
        if (index <= durable.snapshot().index()) {
            return true;
        }
        if (index > durable.lastIndex()) {
            return false;
        }
        try {
            return durable.term(index) == term;
        } catch (LogCompactedException e) {
            return true;
        }
    }

    @Override
    public String describeDurable(long index) {
        String at = index >= durable.firstIndex() && index <= durable.lastIndex()
                ? "term " + durable.term(index) + " at " + index : "nothing at " + index;
        return "durable snapshot " + durable.snapshot().index() + ", log [" + durable.firstIndex() + ", "
                + durable.lastIndex() + "], " + at + ", hard state " + durable.hardState() + "; live log last "
                + live.lastIndex() + ", " + pending.size() + " writes unsynced";
    }

    @Override
    public Snapshot durableSnapshot() {
        return durable.snapshot();
    }
}
