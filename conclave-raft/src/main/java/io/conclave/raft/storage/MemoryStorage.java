package io.conclave.raft.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftStorage} kept in memory, with the write methods a host calls while handling a
 * {@code Ready}. Used by tests and by the simulator's in-memory nodes. Not thread-safe: one owner.
 *
 * <p>{@code ents.get(0)} is a dummy entry holding the snapshot's index and term, so that
 * {@code term(firstIndex - 1)} is always answerable.
 */
public final class MemoryStorage implements RaftStorage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    private final ArrayList<Entry> ents = new ArrayList<>();

    public MemoryStorage() {
        ents.add(new Entry(0, 0, io.conclave.raft.EntryType.NORMAL, null));
    }

    /** A storage for a new group whose first configuration is {@code voters}, as at bootstrap. */
    public static MemoryStorage withVoters(long... voters) {
        MemoryStorage s = new MemoryStorage();
        s.snapshot = new Snapshot(new SnapshotMetadata(0, 0, ConfState.ofVoters(voters)), null);
        return s;
    }

    @Override
    public InitialState initialState() {
        // The membership in force at the snapshot; the host re-applies conf changes committed after it.
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    public HardState hardState() {
        return hardState;
    }

    public void setHardState(HardState hs) {
        this.hardState = hs;
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = ents.get(0).index();
        if (lo <= offset) {
            throw new LogCompactedException(lo, offset + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("entries(" + lo + ", " + hi + ") beyond last index " + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long size = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = ents.get((int) (i - offset));
            size += e.sizeBytes();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public long term(long index) {
        long offset = ents.get(0).index();
        if (index < offset) {
            throw new LogCompactedException(index, offset + 1);
        }
        if (index - offset >= ents.size()) {
            throw new IllegalArgumentException("term(" + index + ") beyond last index " + lastIndex());
        }
        return ents.get((int) (index - offset)).term();
    }

    @Override
    public long firstIndex() {
        return ents.get(0).index() + 1;
    }

    @Override
    public long lastIndex() {
        return ents.get(0).index() + ents.size() - 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces the whole log with a snapshot received from the leader. */
    public void applySnapshot(Snapshot snap) {
        if (snapshot.index() >= snap.index()) {
            throw new IllegalStateException("snapshot " + snap.index() + " is older than " + snapshot.index());
        }
        snapshot = snap;
        ents.clear();
        ents.add(new Entry(snap.term(), snap.index(), io.conclave.raft.EntryType.NORMAL, null));
    }

    /**
     * Records a snapshot of the host's state at {@code index} (≤ the applied index), with the
     * membership in force there. Does not drop entries: call {@link #compact} for that.
     */
    public Snapshot createSnapshot(long index, ConfState cs, byte[] data) {
        if (index <= snapshot.index()) {
            throw new IllegalStateException("snapshot at " + index + " is not newer than " + snapshot.index());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot index " + index + " beyond last index " + lastIndex());
        }
        snapshot = new Snapshot(new SnapshotMetadata(index, term(index), cs), data);
        return snapshot;
    }

    /** Drops entries before {@code compactIndex}; the entry at compactIndex becomes the dummy. */
    public void compact(long compactIndex) {
        long offset = ents.get(0).index();
        if (compactIndex <= offset) {
            return;
        }
        if (compactIndex > lastIndex()) {
            throw new IllegalArgumentException("compact(" + compactIndex + ") beyond last index " + lastIndex());
        }
        int i = (int) (compactIndex - offset);
        Entry dummy = new Entry(ents.get(i).term(), compactIndex, io.conclave.raft.EntryType.NORMAL, null);
        List<Entry> rest = new ArrayList<>(ents.subList(i + 1, ents.size()));
        ents.clear();
        ents.add(dummy);
        ents.addAll(rest);
    }

    /** Appends entries, replacing any existing suffix from the first entry's index on. */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = entries.get(0).index() + entries.size() - 1;
        if (last < first) {
            return; // all compacted already
        }
        int skip = first > entries.get(0).index() ? (int) (first - entries.get(0).index()) : 0;
        List<Entry> add = entries.subList(skip, entries.size());
        long offset = add.get(0).index() - ents.get(0).index();
        if (offset > ents.size()) {
            throw new IllegalArgumentException("append at " + add.get(0).index() + " leaves a gap after "
                    + lastIndex());
        }
        while (ents.size() > offset) {
            ents.remove(ents.size() - 1);
        }
        ents.addAll(add);
    }
}
