/**
 * The storage of one data directory (one disk): {@link io.conclave.storage.engine.StorageEngine}
 * hosts many groups, each a {@link io.conclave.storage.engine.GroupLog} that the Raft core reads as
 * its {@link io.conclave.raft.storage.RaftStorage}. Writes of every group go through the disk's
 * shared WAL ({@code storage.wal}) with group commit; once durable they are materialized into the
 * group's segment files, which are synced lazily, after which the WAL files are reclaimed. A group
 * is deleted durably by a tombstone in the WAL ({@link io.conclave.storage.engine.GroupDeletions}).
 *
 * <p>Threads: a group's event loop calls its {@code GroupLog} (reads, {@code persist}, snapshots);
 * the engine's WAL thread writes batches and completes callbacks (it takes no group monitor); the
 * housekeeper thread materializes, syncs segments and reclaims WAL files (the simulator calls
 * {@code doWork()} instead of running threads). A {@code GroupLog} guards its state with its own
 * monitor, held briefly; its segment log has its own, so a segment fsync never blocks the group's
 * writes. Never touches the Raft core's state, the network or the wall clock (time comes from the
 * injected {@code LongSupplier}).
 */
package io.conclave.storage.engine;
