package io.conclave.bench.runtime;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.SystemClock;
import java.util.Locale;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Commit latency of one group on three nodes: sequential proposals (one outstanding) of
 * {@code --entry-bytes} bytes to the leader, each timed from {@code propose} to its future
 * completing (committed by a quorum, fsynced, applied on the leader). Production runtime defaults.
 *
 * <pre>
 * java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.runtime.CommitLatencyBench \
 *     [--warmup 2000] [--count 20000] [--entry-bytes 1024] [--dir /tmp]
 * </pre>
 */
public final class CommitLatencyBench {

    private CommitLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("warmup", "count", "entry-bytes"));
        int warmup = a.integer("warmup", 2_000);
        int count = a.integer("count", 20_000);
        byte[] payload = new byte[a.integer("entry-bytes", 1024)];
        new java.util.SplittableRandom(1).nextBytes(payload);
        try (GrpcCluster c = GrpcCluster.start(a.dir(), a.runtimeConfig(), 3)) {
            c.createGroups(1, 1, 16);
            c.awaitLeaders(1, 1, 30);
            long leader = c.proposeOnce(1, payload, 30);
            RaftRuntime r = c.node(leader);
            Histogram h = new Histogram(60_000_000_000L, 3);
            run(r, payload, warmup, null);
            long t0 = SystemClock.INSTANCE.nowNs();
            run(r, payload, count, h);
            double secs = (SystemClock.INSTANCE.nowNs() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "COMMIT_LATENCY groups=1 entry=%dB count=%d leader=n%d p50=%.3f ms"
                            + " p90=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms mean=%.3f ms rate=%.0f/s%n",
                    payload.length, count, leader, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                    h.getMean() / 1e6, count / secs);
            System.out.println("config:" + a.overrides() + "\nstats leader: " + r.stats());
        }
    }

    private static void run(RaftRuntime r, byte[] payload, int n, Histogram h) {
        for (int i = 0; i < n; i++) {
            long t0 = SystemClock.INSTANCE.nowNs();
            GrpcCluster.get(r.propose(1, payload), 30);
            long dt = SystemClock.INSTANCE.nowNs() - t0;
            if (h != null) {
                h.recordValue(dt);
            }
        }
    }

    private static double ms(double ns) {
        return ns / 1e6;
    }
}
