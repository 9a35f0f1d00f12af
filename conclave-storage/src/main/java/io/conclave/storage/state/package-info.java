/**
 * A replica's small durable state besides its log: {@link io.conclave.storage.state.HardStateFile}
 * (term, vote, commit, replaced atomically) and {@link io.conclave.storage.state.SnapshotStore} (snapshot
 * files with their metadata), both CRC-protected and published by write-temp, fsync, rename, fsync-directory.
 *
 * <p>Called from the thread that owns the group (or a snapshot worker for {@code SnapshotStore.save});
 * not thread-safe. Touches files only through {@link io.conclave.storage.disk.Disk}; never reads a clock.
 */
package io.conclave.storage.state;
