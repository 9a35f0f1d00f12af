package io.conclave.bench.raft;

import java.io.PrintStream;
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
 * (batch size, entries per round; five rounds, the first ones warm the JIT up). {@link #run} is the
 * same measurement for a caller in this JVM ({@code bin/conclave bench --suite raft}).
 */
public final class RaftCoreCpuProbe {

    private static final int ROUNDS = 5;

    /** One round's figures: entries committed (applied on the leader), per CPU-second and per wall-second. */
    public record Round(int round, int batchSize, long entries, double entriesPerCpuSecond,
                        double entriesPerWallSecond) {
    }

    private RaftCoreCpuProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: RaftCoreCpuProbe <batch size> <entries per round>");
        }
        run(Integer.parseInt(args[0]), Long.parseLong(args[1]), ROUNDS, System.out);
    }

    /**
     * Runs {@code rounds} rounds of at least {@code entriesPerRound} entries proposed {@code batchSize}
     * at a time on a fresh 3-node cluster, printing a line per round to {@code out}.
     */
    public static List<Round> run(int batchSize, long entriesPerRound, int rounds, PrintStream out) {
        if (batchSize < 1 || entriesPerRound < 1 || rounds < 1) {
            throw new IllegalArgumentException("batch size, entries per round and rounds must be >= 1, were "
                    + batchSize + ", " + entriesPerRound + ", " + rounds);
        }
        List<byte[]> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            batch.add(new byte[RaftCoreBenchmark.ENTRY_BYTES]);
        }
        InMemoryCluster cluster = new InMemoryCluster(3);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Round> measured = new ArrayList<>(rounds);
        for (int round = 1; round <= rounds; round++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long n = 0;
            while (n < entriesPerRound) {
                n += cluster.proposeAndSettle(batch);
            }
            long cpuNs = Math.max(1, mx.getCurrentThreadCpuTime() - cpu0);
            long wallNs = Math.max(1, System.nanoTime() - wall0);
            Round r = new Round(round, batchSize, n, n * 1e9 / cpuNs, n * 1e9 / wallNs);
            measured.add(r);
            out.printf("round %d batch %d: %d entries, %.0f entries/CPU-s, %.0f entries/wall-s%n", round,
                    batchSize, n, r.entriesPerCpuSecond(), r.entriesPerWallSecond());
        }
        return measured;
    }
}
