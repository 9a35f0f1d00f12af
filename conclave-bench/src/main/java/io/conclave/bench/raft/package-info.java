/**
 * JMH benchmarks of the pure Raft core: a 3-node in-memory cluster driven on the benchmark thread
 * (no threads, sockets or disks), to show the core is never the bottleneck. Touches only the core's
 * public API and {@link io.conclave.raft.storage.MemoryStorage}.
 */
package io.conclave.bench.raft;
