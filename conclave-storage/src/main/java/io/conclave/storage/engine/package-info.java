/**
 * The storage of one data directory (one disk): {@link io.conclave.storage.engine.StorageEngine}
 * hosts many groups, each a {@link io.conclave.storage.engine.GroupLog} that the Raft core reads as
 * its {@link io.conclave.raft.storage.RaftStorage}. Writes of every group go through the disk's
 * shared WAL ({@code storage.wal}) with group commit; once durable they are materialized into the
 * group's segment files, which are synced lazily, after which the WAL files are reclaimed.
 *
 * <p>Threads: a group's event loop calls its {@code GroupLog} (reads, {@code persist}, snapshots);
 * the engine's agent thread (or the simulator calling {@code doWork()}) writes the WAL, materializes,
 * syncs segments and reclaims WAL files. A {@code GroupLog} guards its state with its own monitor,
 * held briefly by both. Never touches the Raft core's state, the network or the wall clock (time
 * comes from the injected {@code LongSupplier}).
 */
package io.conclave.storage.engine;
