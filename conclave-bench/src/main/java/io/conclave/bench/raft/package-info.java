/**
 * JMH benchmarks of the pure Raft core: a 3-node in-memory cluster driven on the benchmark thread
 * (no threads, sockets or disks), to show the core is never the bottleneck. Touches only the core's
 * public API and {@link io.conclave.raft.storage.MemoryStorage}. {@code RaftCoreCpuProbe.run} is the
 * same workload measured per CPU-second, returning its rounds ({@code bin/conclave bench --suite raft}).
 */
package io.conclave.bench.raft;
