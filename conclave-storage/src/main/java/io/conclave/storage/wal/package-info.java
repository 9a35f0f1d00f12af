/**
 * The shared write-ahead log of one disk: every group's Raft entries, hard states, snapshot marks
 * and compaction marks, framed with length and CRC32C ({@link io.conclave.storage.wal.WalFrame}),
 * in numbered files of a configured size, written by one group-commit writer
 * ({@link io.conclave.storage.wal.GroupCommitWriter}) that makes one fsync per batch whatever the
 * number of groups in it, with no fixed linger.
 *
 * <p>Threads: any thread may {@code offer} a {@link io.conclave.storage.wal.WriteRequest}; only the
 * agent thread (an {@link io.conclave.storage.wal.AgentRunner}, or the simulator calling
 * {@code doWork()} directly) writes files. Recovery ({@link io.conclave.storage.wal.WalReader}) runs
 * before the agent starts. Never touches segment files, snapshots or the Raft core's state.
 */
package io.conclave.storage.wal;
