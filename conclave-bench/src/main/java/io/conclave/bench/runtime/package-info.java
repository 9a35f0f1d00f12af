/**
 * Load programs for the Multi-Raft runtime: three {@code RaftRuntime}s in one JVM over real gRPC on
 * 127.0.0.1, each on its own real data directory under {@code /tmp} (fsync on), measuring commit
 * latency, throughput with 1 to 1,000 active groups, the idle cost of 10,000 replicas per node, and
 * failover. Plain mains run by hand (see docs/bench/runtime.md), each with a {@code run(args, out)}
 * beside it that returns the figures as a record ({@code bin/conclave bench}, docs/bench-cli.md; its
 * tests run them at a tiny size). The calling thread drives proposals; runtime futures complete on the
 * runtimes' own threads.
 */
package io.conclave.bench.runtime;
