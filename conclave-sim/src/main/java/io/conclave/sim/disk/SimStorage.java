package io.conclave.sim.disk;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.RaftStorage;
import java.util.List;

/**
 * One replica's stable storage under simulation. Writes are visible to the replica at once and become
 * durable only when a later {@link #sync} covers them; {@link #crash} drops what no sync covered.
 * The file-backed storage of {@code conclave-storage} slots in behind this interface over a
 * simulated disk; the node host only ever talks to this.
 */
public interface SimStorage {

    /** What the Raft core reads. Valid until the next {@link #crash}. */
    RaftStorage raftStorage();

    /** Writes a Ready's persistent parts (any may be null/empty); returns a mark for {@link #sync}. */
    long write(HardState hardState, List<Entry> entries, Snapshot snapshot);

    /** Records a snapshot of the host's state at {@code index} and drops the log before it. */
    long snapshotAndCompact(long index, ConfState confState, byte[] data);

    /** Makes every write up to {@code mark} durable. */
    void sync(long mark);

    /** The process died: everything not durable is gone; {@link #raftStorage()} now reads the durable state. */
    void crash();

    /** The hard state a restart would read. */
    HardState durableHardState();

    /** Whether entry (index, term) survives a crash now (in the durable log, or under the durable snapshot). */
    boolean isDurable(long index, long term);

    /** What the durable state holds around {@code index}, for reports. */
    String describeDurable(long index);

    /** The durable snapshot (empty when none). */
    Snapshot durableSnapshot();
}
