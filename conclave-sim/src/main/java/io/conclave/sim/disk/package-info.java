/**
 * A replica's storage as the simulator sees it: what was written and what was fsynced
 * ({@link io.conclave.sim.disk.SimStorage}), an in-memory implementation that models durability
 * over {@code MemoryStorage}, and each node's {@link io.conclave.sim.disk.Disk}, a group-commit
 * fsync pipeline with simulated latency. A crash keeps only what a completed fsync covered.
 * Called from the simulation thread only; never touches real files.
 */
package io.conclave.sim.disk;
