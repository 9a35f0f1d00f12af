package io.conclave.storage.engine;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.storage.wal.WriteCallback;
import java.util.List;

/**
 * A group's durable Raft log: the core's read view plus the host's write side. Reads and the
 * in-memory effect of writes follow {@link io.conclave.raft.storage.MemoryStorage} exactly (same
 * index rules, same dummy entry at firstIndex - 1, same exceptions); a write becomes visible to
 * reads when {@code persist} returns OK and durable when its callback says so.
 */
public interface LogStorage extends RaftStorage {

    long groupId();

    /**
     * Writes what a {@code Ready} asks for: a snapshot (replacing the log), entries (replacing the
     * log from the first one's index on), a hard state. Any part may be null/empty.
     *
     * @return OK when accepted (the callback follows, on the storage's thread); otherwise nothing
     *     was accepted and the status says why
     * @throws IllegalArgumentException when the entries leave a gap after lastIndex
     * @throws IllegalStateException when the snapshot is not newer than the current one
     */
    StorageStatus persist(HardState hardState, List<Entry> entries, Snapshot snapshot, WriteCallback callback);

    /** Replaces the whole log with a snapshot received from the leader; like {@code persist(null, [], snap, cb)}. */
    default StorageStatus applySnapshot(Snapshot snapshot, WriteCallback callback) {
        return persist(null, List.of(), snapshot, callback);
    }

    /** Records a snapshot of the host's state at {@code index}; durable when this returns. */
    Snapshot createSnapshot(long index, ConfState confState, byte[] data);

    /** Drops entries before {@code compactIndex}; the entry at compactIndex becomes the dummy. */
    void compact(long compactIndex);

    /** The latest hard state written (visible once accepted). */
    HardState hardState();

    GroupState state();

    default boolean needsSnapshot() {
        return state() == GroupState.NEEDS_SNAPSHOT;
    }
}
