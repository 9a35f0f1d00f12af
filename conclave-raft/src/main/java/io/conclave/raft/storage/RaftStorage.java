package io.conclave.raft.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import java.util.List;

/**
 * The read side of a group's stable log, as the core sees it. The host owns the storage and writes
 * to it while handling a {@code Ready}; the core only reads. Implementations: {@link MemoryStorage}
 * here, the file-backed log in {@code conclave-storage}.
 *
 * <p>Indexes: the log holds entries [firstIndex, lastIndex]; entry firstIndex - 1 is covered by the
 * latest snapshot (its term is still known). An empty log has firstIndex = lastIndex + 1.
 */
public interface RaftStorage {

    /** The hard state and membership persisted at the last run, read once at start. */
    InitialState initialState();

    /**
     * Entries [lo, hi), stopping early once their total {@link Entry#sizeBytes()} would exceed
     * {@code maxBytes} — but always at least one entry when lo < hi.
     *
     * @throws LogCompactedException when lo < firstIndex
     * @throws IllegalArgumentException when hi > lastIndex + 1
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The term of the entry at {@code index}, for index in [firstIndex - 1, lastIndex].
     *
     * @throws LogCompactedException when index < firstIndex - 1
     * @throws IllegalArgumentException when index > lastIndex
     */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /**
     * The latest snapshot.
     *
     * @throws SnapshotUnavailableException when it is being made and the core should ask later
     */
    Snapshot snapshot();

    /** The persisted state a replica starts from. */
    record InitialState(io.conclave.raft.HardState hardState, io.conclave.raft.ConfState confState) {
    }
}
