/**
 * {@link io.conclave.ops.disk.ObservedDisk}: a {@code Disk} decorator that times every fsync
 * (file and directory) into a Micrometer timer and, when {@code storage.fsync=false}, skips them.
 * Called on the storage engine's threads (WAL writer, housekeeper); it adds a clock read and a
 * timer record per sync and nothing else.
 */
package io.conclave.ops.disk;
