/**
 * The file abstraction every byte of Conclave's storage goes through: {@link io.conclave.storage.disk.Disk}
 * and {@link io.conclave.storage.disk.FileHandle}, with {@link io.conclave.storage.disk.RealDisk} over
 * {@code FileChannel} and {@link io.conclave.storage.disk.SimDisk}, an in-memory disk that knows what was
 * fsynced and can {@link io.conclave.storage.disk.SimDisk#crash() crash} like a machine losing power, so the
 * deterministic simulator runs the real storage code.
 *
 * <p>Called from whichever thread owns the storage object using it (an event loop or the WAL writer);
 * {@code SimDisk} is internally synchronized so a test may share it between a writer thread and readers.
 * Never touches the clock: fsync latency is a number the simulator reads and charges.
 */
package io.conclave.storage.disk;
