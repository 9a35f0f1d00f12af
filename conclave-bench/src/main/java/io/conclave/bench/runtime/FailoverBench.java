package io.conclave.bench.runtime;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.node.RuntimeStats;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.time.SystemClock;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Failover of the runtime, and how often it fails over for nothing. Per trial: three nodes, {@code --groups}
 * groups of three (node 1 leads them all after the bootstrap), a background load of
 * {@code --load-window} outstanding 1 KiB proposals spread over the groups for {@code --healthy-seconds}
 * (a loaded, healthy cluster: every liveness suspicion and leader change then is spurious and counted),
 * then the node leading the most groups (node 1, unless the load moved leaders) is closed abruptly
 * (transport first, as a crash closes its sockets) and the time until each group it led has a leader
 * among the survivors is taken: the survivors' leader tables
 * ({@link RaftRuntime#leaderOf}, written by a replica's loop as soon as it becomes leader) are polled
 * every 2 ms. (Polling every group's status through the loops instead took tens of ms per round on the
 * loaded machine, and hid the failover behind the polling.)
 *
 * <pre>
 * java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.runtime.FailoverBench \
 *     [--trials 10] [--groups 100] [--healthy-seconds 5] [--load-window 256] [--acceptable-pause-ms 20] ...
 * </pre>
 *
 * {@link #run} takes the same arguments and returns the figures ({@code bin/conclave bench --suite failover}).
 */
public final class FailoverBench {

    /**
     * The figures of one run: per trial, the time until every affected group was led again; per
     * group, the time until it was; and the spurious suspicions and leader changes while healthy.
     */
    public record Result(int trials, int groups, double trialP50Ms, double trialP99Ms, double trialMaxMs,
                         double groupP50Ms, double groupP99Ms, int groupsMeasured, long spuriousSuspicions,
                         long spuriousLeaderChanges, double healthySeconds) {
    }

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the bench, printing its report to {@code out}; a bad argument is an {@link IllegalArgumentException}. */
    public static Result run(String[] args, PrintStream out) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("trials", "groups", "healthy-seconds", "load-window"));
        int trials = a.integer("trials", 10);
        int groups = a.integer("groups", 100);
        if (trials < 1 || groups < 1 || a.integer("healthy-seconds", 5) < 0 || a.integer("load-window", 256) < 1) {
            throw new IllegalArgumentException("--trials, --groups and --load-window must be >= 1, --healthy-seconds >= 0");
        }
        List<Double> trialMs = new ArrayList<>();
        List<Double> groupMs = new ArrayList<>();
        long spuriousSuspicions = 0;
        long spuriousLeaderChanges = 0;
        double healthySeconds = 0;
        for (int t = 1; t <= trials; t++) {
            try (GrpcCluster c = GrpcCluster.start(a.dir(), a.runtimeConfig(), 3)) {
                c.createGroups(1, groups, 3_000);
                c.awaitLeaders(1, groups, 120);
                for (long g = 1; g <= groups; g++) {
                    c.proposeOnce(g, new byte[16], 30);
                }
                Map<Long, Long> leaders = leaders(c, groups, Set.of(1L, 2L, 3L));
                Map<Long, RuntimeStats> before = stats(c);
                runLoad(c, leaders, groups, a.integer("load-window", 256), a.integer("healthy-seconds", 5));
                healthySeconds += a.integer("healthy-seconds", 5);
                Map<Long, RuntimeStats> after = stats(c);
                long suspicions = 0;
                for (long n = 1; n <= 3; n++) {
                    suspicions += after.get(n).liveness().suspicions() - before.get(n).liveness().suspicions();
                }
                Map<Long, Long> leadersAfter = leaders(c, groups, Set.of(1L, 2L, 3L));
                long moved = leaders.entrySet().stream()
                        .filter(e -> !e.getValue().equals(leadersAfter.get(e.getKey()))).count();
                spuriousSuspicions += suspicions;
                spuriousLeaderChanges += moved;
                long victim = mostLeading(leadersAfter);
                List<Long> affected = new ArrayList<>();
                leadersAfter.forEach((g, l) -> {
                    if (l == victim) {
                        affected.add(g);
                    }
                });
                double worst = kill(c, victim, affected, groupMs, out);
                trialMs.add(worst);
                out.printf(Locale.ROOT, "trial %d: healthy %d s under load: %d suspicions, %d groups changed"
                                + " leader; after the kill %d affected groups all led again in %.1f ms%n", t,
                        a.integer("healthy-seconds", 5), suspicions, moved, affected.size(), worst);
            }
        }
        out.printf(Locale.ROOT, "FAILOVER trials=%d groups=%d per-trial p50=%.1f ms p99=%.1f ms max=%.1f ms;"
                        + " per-group p50=%.1f ms p99=%.1f ms (n=%d); spurious in %.0f loaded healthy s: %d suspicions,"
                        + " %d leader changes;%s%n", trials, groups, pct(trialMs, 50), pct(trialMs, 99),
                pct(trialMs, 100), pct(groupMs, 50), pct(groupMs, 99), groupMs.size(), healthySeconds,
                spuriousSuspicions, spuriousLeaderChanges, a.overrides());
        return new Result(trials, groups, pct(trialMs, 50), pct(trialMs, 99), pct(trialMs, 100), pct(groupMs, 50),
                pct(groupMs, 99), groupMs.size(), spuriousSuspicions, spuriousLeaderChanges, healthySeconds);
    }

    private static double kill(GrpcCluster c, long victim, List<Long> affected, List<Double> groupMs, PrintStream out)
            throws java.io.IOException {
        Set<Long> survivors = new java.util.TreeSet<>(Set.of(1L, 2L, 3L));
        survivors.remove(victim);
        Map<Long, Double> movedMs = new HashMap<>();
        Map<Long, Long> suspicionsBefore = new HashMap<>();
        for (long s : survivors) {
            suspicionsBefore.put(s, c.node(s).stats().liveness().suspicions());
        }
        double[] suspectedMs = {-1};
        double[] unreachableMs = {-1};
        // The kill runs on its own thread: closing a runtime takes a while (threads joined, storage
        // closed) and the survivors must be watched from the moment its transport goes.
        Thread killer = new Thread(() -> {
            try {
                c.stop(victim);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "failover-bench-kill");
        long t0 = SystemClock.INSTANCE.nowNs();
        killer.start();
        GrpcCluster.await(30, () -> {
            if (suspectedMs[0] < 0 && survivors.stream().allMatch(s ->
                    c.node(s).stats().liveness().suspicions() > suspicionsBefore.get(s))) {
                suspectedMs[0] = (SystemClock.INSTANCE.nowNs() - t0) / 1e6;
            }
            if (unreachableMs[0] < 0 && survivors.stream().allMatch(s ->
                    c.node(s).transport().stats().unreachablePeers().contains(victim))) {
                unreachableMs[0] = (SystemClock.INSTANCE.nowNs() - t0) / 1e6;
            }
            double ms = (SystemClock.INSTANCE.nowNs() - t0) / 1e6;
            for (long g : affected) {
                if (!movedMs.containsKey(g) && survivors.stream().anyMatch(s -> c.node(s).leaderOf(g).node() == s)) {
                    movedMs.put(g, ms);
                }
            }
            return movedMs.size() == affected.size();
        }, "a new leader for every group node " + victim + " led");
        try {
            killer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        groupMs.addAll(movedMs.values());
        out.printf(Locale.ROOT, "  both survivors' transports saw node %d unreachable after %.1f ms, suspected it"
                + " after %.1f ms (as first observed by the polling loop)%n", victim, unreachableMs[0], suspectedMs[0]);
        return movedMs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /**
     * The node that leads the most groups (node 1, unless the healthy period moved leaders: on a loaded
     * machine it now and then does, and killing node 1 would then measure nothing).
     */
    static long mostLeading(Map<Long, Long> leaderByGroup) {
        Map<Long, Integer> led = new java.util.TreeMap<>();
        leaderByGroup.values().forEach(l -> led.merge(l, 1, Integer::sum));
        long best = 1;
        int most = -1;
        for (Map.Entry<Long, Integer> e : led.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    private static Map<Long, Long> leaders(GrpcCluster c, int groups, Set<Long> nodes) {
        List<Long> gids = new ArrayList<>();
        for (long g = 1; g <= groups; g++) {
            gids.add(g);
        }
        return leaders(c, gids, nodes);
    }

    /** The groups among {@code gids} that have a leader among {@code nodes}, asked of all at once. */
    private static Map<Long, Long> leaders(GrpcCluster c, List<Long> gids, Set<Long> nodes) {
        List<CompletableFuture<GroupStatus>> fs = new ArrayList<>();
        for (long n : nodes) {
            RaftRuntime r = c.node(n);
            for (long g : gids) {
                fs.add(r.status(g));
            }
        }
        Map<Long, Long> out = new HashMap<>();
        for (CompletableFuture<GroupStatus> f : fs) {
            GroupStatus s = GrpcCluster.get(f, 10);
            if (s.isLeader()) {
                out.put(s.groupId(), s.nodeId());
            }
        }
        return out;
    }

    private static Map<Long, RuntimeStats> stats(GrpcCluster c) {
        Map<Long, RuntimeStats> m = new HashMap<>();
        for (RaftRuntime n : c.nodes()) {
            m.put(n.nodeId(), n.stats());
        }
        return m;
    }

    /** A closed loop of {@code window} outstanding proposals over the groups, to their first leaders. */
    private static void runLoad(GrpcCluster c, Map<Long, Long> leaders, int groups, int window, int seconds) {
        byte[] payload = new byte[1024];
        new SplittableRandom(2).nextBytes(payload);
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(window);
        Map<Long, java.util.concurrent.atomic.AtomicInteger> outstanding = new java.util.concurrent.ConcurrentHashMap<>();
        long end = SystemClock.INSTANCE.nowNs() + seconds * 1_000_000_000L;
        long g = 0;
        while (SystemClock.INSTANCE.nowNs() < end) {
            if (!permits.tryAcquire()) {
                LockSupport.parkNanos(100_000L);
                continue;
            }
            g = g % groups + 1;
            java.util.concurrent.atomic.AtomicInteger n = outstanding.computeIfAbsent(g,
                    k -> new java.util.concurrent.atomic.AtomicInteger());
            n.incrementAndGet();
            c.node(leaders.get(g)).propose(g, payload).whenComplete((i, e) -> {
                n.decrementAndGet();
                permits.release();
            });
        }
        try {
            GrpcCluster.await(30, () -> permits.availablePermits() == window, "the load's proposals to finish");
        } catch (IllegalStateException e) {
            // Name what is stuck: the groups with unanswered proposals, as every node sees them.
            for (RaftRuntime r : c.nodes()) {
                if (r.failure() != null) {
                    System.out.println("node " + r.nodeId() + " has a failed thread: " + r.failure());
                }
            }
            outstanding.forEach((gid, k) -> {
                if (k.get() > 0) {
                    System.out.println("group " + gid + ": " + k.get() + " proposals to node " + leaders.get(gid)
                            + " unanswered");
                    for (RaftRuntime r : c.nodes()) {
                        System.out.println("  " + GrpcCluster.get(r.status(gid), 10));
                    }
                }
            });
            throw e;
        }
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.isEmpty() ? 0 : s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
