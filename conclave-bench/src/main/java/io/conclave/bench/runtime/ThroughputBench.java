package io.conclave.bench.runtime;

import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.SystemClock;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Throughput of three nodes with {@code --groups} active groups: a closed loop keeps at most
 * {@code --window} proposals of {@code --entry-bytes} outstanding in all (a semaphore), issued
 * round-robin over the groups to each group's leader; a proposal counts once its future completes
 * (committed, fsynced by a quorum, applied on the leader). Leaders stay where the bootstrap put them
 * (node 1, the lowest genesis voter), or are spread with {@code --spread true}. Production defaults.
 *
 * <pre>
 * java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.runtime.ThroughputBench \
 *     [--groups 1] [--window 1024] [--seconds 10] [--warmup-seconds 3] [--entry-bytes 1024] [--spread false]
 * </pre>
 *
 * {@link #run} takes the same arguments and returns the figures ({@code bin/conclave bench --suite runtime}).
 */
public final class ThroughputBench {

    /** The figures of one run; latencies (propose to commit, under the load) in ms. */
    public record Result(int groups, int window, int entryBytes, double seconds, long committed,
                         double entriesPerSecond, double mbPerSecond, double p50Ms, double p99Ms, long backPressure,
                         long failed, long notLeader) {
    }

    private ThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the bench, printing its report to {@code out}; a bad argument is an {@link IllegalArgumentException}. */
    public static Result run(String[] args, PrintStream out) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("groups", "window", "seconds", "warmup-seconds", "entry-bytes",
                "spread"));
        int groups = a.integer("groups", 1);
        int window = a.integer("window", 1024);
        int seconds = a.integer("seconds", 10);
        int warmupSeconds = a.integer("warmup-seconds", 3);
        byte[] payload = new byte[a.integer("entry-bytes", 1024)];
        if (groups < 1 || window < 1 || seconds < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--groups, --window and --seconds must be >= 1, --warmup-seconds >= 0");
        }
        new SplittableRandom(1).nextBytes(payload);
        try (GrpcCluster c = GrpcCluster.start(a.dir(), a.runtimeConfig(), 3)) {
            c.createGroups(1, groups, 3_000);
            c.awaitLeaders(1, groups, 120);
            if (Boolean.parseBoolean(a.text("spread", "false"))) {
                spreadLeaders(c, groups);
            }
            RaftRuntime[] leaders = new RaftRuntime[groups + 1];
            for (int g = 1; g <= groups; g++) {
                leaders[g] = c.node(c.proposeOnce(g, payload, 60));
            }
            Load load = new Load(c, leaders, payload, window);
            load.run(warmupSeconds, null);
            Histogram h = new ConcurrentHistogram(60_000_000_000L, 3);
            long appliedBefore = c.machine(1).entriesApplied();
            long t0 = SystemClock.INSTANCE.nowNs();
            long done = load.run(seconds, h);
            double secs = (SystemClock.INSTANCE.nowNs() - t0) / 1e9;
            double perSec = done / secs;
            Result res = new Result(groups, window, payload.length, secs, done, perSec, perSec * payload.length / 1e6,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, load.backPressure.sum(),
                    load.failed.sum(), load.notLeader.sum());
            out.printf(Locale.ROOT, "THROUGHPUT groups=%d window=%d entry=%dB seconds=%.1f committed=%d"
                            + " entries/s=%.0f MB/s=%.2f latency p50=%.2f ms p99=%.2f ms backpressure=%d failed=%d"
                            + " notLeader=%d node1-applied/s=%.0f%n",
                    groups, window, payload.length, secs, done, perSec, perSec * payload.length / 1e6,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, load.backPressure.sum(),
                    load.failed.sum(), load.notLeader.sum(), (c.machine(1).entriesApplied() - appliedBefore) / secs);
            out.println("config:" + a.overrides());
            if (load.firstFailure() != null) {
                out.println("first failure: " + load.firstFailure());
            }
            for (RaftRuntime n : c.nodes()) {
                out.println("stats n" + n.nodeId() + ": " + n.stats());
            }
            return res;
        }
    }

    /** Hands the leadership of every third group to node 2 and of every third to node 3. */
    private static void spreadLeaders(GrpcCluster c, int groups) {
        for (int g = 1; g <= groups; g++) {
            long want = 1 + (g % 3);
            long leader = c.leaderOf(g);
            if (leader != want && leader != 0) {
                GrpcCluster.get(c.node(leader).transferLeadership(g, want), 10);
            }
        }
        GrpcCluster.await(60, () -> {
            for (int g = 1; g <= groups; g++) {
                if (c.leaderOf(g) == 0) {
                    return false;
                }
            }
            return true;
        }, "a leader for every group after spreading");
    }

    /** The closed loop: a bounded window of outstanding proposals, round-robin over the groups. */
    private static final class Load {
        private final GrpcCluster cluster;
        private final RaftRuntime[] leaders;
        private final byte[] payload;
        private final Semaphore permits;
        private final LongAdder committed = new LongAdder();
        final LongAdder backPressure = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder notLeader = new LongAdder();
        private volatile Throwable firstFailure;

        Load(GrpcCluster cluster, RaftRuntime[] leaders, byte[] payload, int window) {
            this.cluster = cluster;
            this.leaders = leaders;
            this.payload = payload;
            this.permits = new Semaphore(window);
        }

        /** Runs for {@code seconds}; returns the proposals committed in that time. */
        long run(int seconds, Histogram latency) throws InterruptedException {
            long before = committed.sum();
            long end = SystemClock.INSTANCE.nowNs() + seconds * 1_000_000_000L;
            int g = 0;
            while (SystemClock.INSTANCE.nowNs() < end) {
                if (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                g = g % (leaders.length - 1) + 1;
                int g2 = g;
                long t0 = SystemClock.INSTANCE.nowNs();
                leaders[g].propose(g, payload).whenComplete((idx, err) -> {
                    if (err == null) {
                        committed.increment();
                        if (latency != null) {
                            latency.recordValue(SystemClock.INSTANCE.nowNs() - t0);
                        }
                    } else {
                        onFailure(g2, unwrap(err));
                    }
                    permits.release();
                });
            }
            return committed.sum() - before;
        }

        private static Throwable unwrap(Throwable t) {
            return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        }

        /** Not the leader any more: follow the hint (leadership moved); other failures are counted. */
        private void onFailure(int g, Throwable t) {
            if (t instanceof BackPressureException) {
                backPressure.increment();
            } else if (t instanceof NotLeaderException nl) {
                notLeader.increment();
                if (nl.leaderHint() != 0 && cluster.node(nl.leaderHint()) != null) {
                    leaders[g] = cluster.node(nl.leaderHint());
                }
            } else {
                failed.increment();
                if (firstFailure == null) {
                    firstFailure = t;
                }
            }
        }

        Throwable firstFailure() {
            return firstFailure;
        }
    }
}
