package io.conclave.bench.runtime;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.SystemClock;
import java.io.PrintStream;
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
 *
 * {@link #run} takes the same arguments and returns the figures ({@code bin/conclave bench --suite runtime}).
 */
public final class CommitLatencyBench {

    /** The figures of one run; latencies in ms, {@code perSecond} the sequential commit rate. */
    public record Result(int entryBytes, int count, long leader, double p50Ms, double p90Ms, double p99Ms,
                         double p999Ms, double maxMs, double meanMs, double perSecond, long leaderMoves) {
    }

    private CommitLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the bench, printing its report line to {@code out}; a bad argument is an {@link IllegalArgumentException}. */
    public static Result run(String[] args, PrintStream out) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("warmup", "count", "entry-bytes"));
        int warmup = a.integer("warmup", 2_000);
        int count = a.integer("count", 20_000);
        byte[] payload = new byte[a.integer("entry-bytes", 1024)];
        if (warmup < 0 || count < 1) {
            throw new IllegalArgumentException("--count must be >= 1 and --warmup >= 0");
        }
        new java.util.SplittableRandom(1).nextBytes(payload);
        try (GrpcCluster c = GrpcCluster.start(a.dir(), a.runtimeConfig(), 3)) {
            c.createGroups(1, 1, 16);
            c.awaitLeaders(1, 1, 30);
            long leader = c.proposeOnce(1, payload, 30);
            RaftRuntime r = c.node(leader);
            Histogram h = new Histogram(60_000_000_000L, 3);
            long[] moved = {0};
            r = run(c, r, payload, warmup, null, moved);
            moved[0] = 0;
            long t0 = SystemClock.INSTANCE.nowNs();
            r = run(c, r, payload, count, h, moved);
            double secs = (SystemClock.INSTANCE.nowNs() - t0) / 1e9;
            Result res = new Result(payload.length, count, r.nodeId(), ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                    ms(h.getMaxValue()), h.getMean() / 1e6, count / secs, moved[0]);
            out.printf(Locale.ROOT, "COMMIT_LATENCY groups=1 entry=%dB count=%d leader=n%d p50=%.3f ms"
                            + " p90=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms mean=%.3f ms rate=%.0f/s leader-moves=%d%n",
                    res.entryBytes(), count, res.leader(), res.p50Ms(), res.p90Ms(), res.p99Ms(), res.p999Ms(),
                    res.maxMs(), res.meanMs(), res.perSecond(), res.leaderMoves());
            out.println("config:" + a.overrides() + "\nstats leader: " + r.stats());
            return res;
        }
    }

    /**
     * Proposes {@code n} entries one at a time; a proposal answered NOT_LEADER (leadership moved) is
     * not timed, counted in {@code moved}, and the next goes to the new leader.
     */
    private static RaftRuntime run(GrpcCluster c, RaftRuntime leader, byte[] payload, int n, Histogram h,
                                   long[] moved) {
        RaftRuntime r = leader;
        for (int i = 0; i < n; i++) {
            long t0 = SystemClock.INSTANCE.nowNs();
            try {
                r.propose(1, payload).get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof io.conclave.multiraft.node.NotLeaderException)) {
                    throw new IllegalStateException(e.getCause());
                }
                moved[0]++;
                r = c.node(c.proposeOnce(1, payload, 30));
                continue;
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            }
            long dt = SystemClock.INSTANCE.nowNs() - t0;
            if (h != null) {
                h.recordValue(dt);
            }
        }
        return r;
    }

    private static double ms(double ns) {
        return ns / 1e6;
    }
}
