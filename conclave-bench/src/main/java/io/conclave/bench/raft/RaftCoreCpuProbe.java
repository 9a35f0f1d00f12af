package io.conclave.bench.raft;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The same workload as {@link RaftCoreBenchmark}, measured in committed entries per CPU-second of
 * the driving thread rather than per wall-clock second: a figure that holds on a shared, loaded
 * machine where JMH's wall-clock scores drop with the load. (It excludes JIT and GC threads.)
 *
 * <p>Run: {@code java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.raft.RaftCoreCpuProbe 1 300000}
 * (batch size, entries per round; five rounds, the first ones warm the JIT up).
 */
public final class RaftCoreCpuProbe {

    private static final int ROUNDS = 5;

    private RaftCoreCpuProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: RaftCoreCpuProbe <batch size> <entries per round>");
        }
        int batchSize = Integer.parseInt(args[0]);
        long entriesPerRound = Long.parseLong(args[1]);
        List<byte[]> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            batch.add(new byte[RaftCoreBenchmark.ENTRY_BYTES]);
        }
        InMemoryCluster cluster = new InMemoryCluster(3);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= ROUNDS; round++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long n = 0;
            while (n < entriesPerRound) {
                n += cluster.proposeAndSettle(batch);
            }
            long cpuNs = mx.getCurrentThreadCpuTime() - cpu0;
            long wallNs = System.nanoTime() - wall0;
            System.out.printf("round %d batch %d: %d entries, %.0f entries/CPU-s, %.0f entries/wall-s%n", round,
                    batchSize, n, n * 1e9 / cpuNs, n * 1e9 / wallNs);
        }
    }
}
