package io.conclave.bench.runtime;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.node.RuntimeStats;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.time.SystemClock;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle cost of many replicas: three nodes, {@code --groups} groups of three replicas (so each
 * node hosts that many), elected and then left alone; over a window of {@code --window-seconds},
 * the CPU time of the whole process and of each node's threads (by name: {@code n<id>-...}; the
 * gRPC and JVM threads are shared and counted apart) as % of one core, the Raft ticks given, and
 * the CPU per tick of the loop threads; then the used heap after {@code System.gc()}, against the
 * same three nodes with no group. With {@code --quiesce-idle-ticks N} the groups rest first
 * (waited for up to {@code --settle-seconds}).
 *
 * <pre>
 * java -Xmx2g -cp conclave-bench/target/benchmarks.jar io.conclave.bench.runtime.IdleBench \
 *     [--groups 10000] [--window-seconds 30] [--settle-seconds 60] [--quiesce-idle-ticks 0]
 * </pre>
 *
 * {@link #run} takes the same arguments and returns the figures ({@code bin/conclave bench --suite idle}).
 */
public final class IdleBench {

    /**
     * The figures of one run: CPU as % of one core over the window (the whole process; the busiest
     * node's own threads), the heap the groups cost, and the ticks per second the busiest node gave.
     */
    public record Result(int groups, boolean quiescence, double windowSeconds, double processCpuPercent,
                         double nodeCpuPercentMax, double ticksPerSecondMax, long heapEmptyBytes, long heapFullBytes,
                         double bytesPerReplica) {
    }

    /** What one measuring window saw. */
    private record Window(double seconds, double processCpuPercent, double nodeCpuPercentMax, double ticksPerSecondMax) {
    }

    private IdleBench() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the bench, printing its report to {@code out}; a bad argument is an {@link IllegalArgumentException}. */
    public static Result run(String[] args, PrintStream out) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("groups", "window-seconds", "settle-seconds"));
        int groups = a.integer("groups", 10_000);
        int windowSeconds = a.integer("window-seconds", 30);
        int settleSeconds = a.integer("settle-seconds", 60);
        if (groups < 1 || windowSeconds < 1 || settleSeconds < 0) {
            throw new IllegalArgumentException("--groups and --window-seconds must be >= 1, --settle-seconds >= 0");
        }
        try (GrpcCluster c = GrpcCluster.start(a.dir(), a.runtimeConfig(), 3)) {
            long heapEmpty = usedHeapAfterGc();
            long t0 = SystemClock.INSTANCE.nowNs();
            c.createGroups(1, groups, 3_000);
            double createdS = (SystemClock.INSTANCE.nowNs() - t0) / 1e9;
            awaitAll(c, groups, 180, s -> s.isLeader(), 1, "leaders");
            double electedS = (SystemClock.INSTANCE.nowNs() - t0) / 1e9;
            out.printf(Locale.ROOT, "created %d groups on 3 nodes in %.1f s, all led after %.1f s%n", groups,
                    createdS, electedS);
            boolean quiescence = a.runtimeConfig().quiesceIdleTicks() > 0;
            if (quiescence) {
                awaitAll(c, groups, settleSeconds, GroupStatus::quiesced, 3, "resting replicas");
                out.printf(Locale.ROOT, "every replica rests after %.1f s%n",
                        (SystemClock.INSTANCE.nowNs() - t0) / 1e9);
            } else {
                pause(Math.min(settleSeconds, 10));
            }
            Window w = measure(c, windowSeconds, out);
            long heapFull = usedHeapAfterGc();
            out.printf(Locale.ROOT, "HEAP used after GC: empty 3 nodes %.1f MB, with %d groups %.1f MB;"
                            + " per node %.1f MB for %d replicas, %.0f bytes per replica%n", heapEmpty / 1e6, groups,
                    heapFull / 1e6, (heapFull - heapEmpty) / 3e6, groups, (heapFull - heapEmpty) / (3.0 * groups));
            out.println("config:" + a.overrides());
            return new Result(groups, quiescence, w.seconds(), w.processCpuPercent(), w.nodeCpuPercentMax(),
                    w.ticksPerSecondMax(), heapEmpty, heapFull, (heapFull - heapEmpty) / (3.0 * groups));
        }
    }

    private static Window measure(GrpcCluster c, int windowSeconds, PrintStream out) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, RuntimeStats> statsBefore = stats(c);
        Map<Long, long[]> cpuBefore = threadCpu(threads);
        long processBefore = os.getProcessCpuTime();
        long w0 = SystemClock.INSTANCE.nowNs();
        pause(windowSeconds);
        long wallNs = SystemClock.INSTANCE.nowNs() - w0;
        long processNs = os.getProcessCpuTime() - processBefore;
        Map<Long, long[]> cpuAfter = threadCpu(threads);
        Map<Long, RuntimeStats> statsAfter = stats(c);
        Map<String, Long> byOwner = new TreeMap<>();
        Map<String, Long> loopNs = new TreeMap<>();
        for (ThreadInfo ti : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (ti == null || !cpuAfter.containsKey(ti.getThreadId())) {
                continue;
            }
            long before = cpuBefore.containsKey(ti.getThreadId()) ? cpuBefore.get(ti.getThreadId())[0] : 0;
            long ns = cpuAfter.get(ti.getThreadId())[0] - before;
            String name = ti.getThreadName();
            String owner = name.matches("n\\d+-.*") ? name.substring(0, name.indexOf('-')) : "shared";
            byOwner.merge(owner, ns, Long::sum);
            if (name.matches("n\\d+-loop-.*")) {
                loopNs.merge(owner, ns, Long::sum);
            }
        }
        out.printf(Locale.ROOT, "IDLE window=%.1f s process CPU %.2f %% of one core (3 nodes + shared JVM"
                + " threads)%n", wallNs / 1e9, 100.0 * processNs / wallNs);
        double nodeCpuMax = 0;
        for (Map.Entry<String, Long> e : byOwner.entrySet()) {
            out.printf(Locale.ROOT, "  threads %-6s %.2f %% of one core%n", e.getKey(),
                    100.0 * e.getValue() / wallNs);
            if (!e.getKey().equals("shared")) {
                nodeCpuMax = Math.max(nodeCpuMax, 100.0 * e.getValue() / wallNs);
            }
        }
        double ticksMax = 0;
        for (RaftRuntime n : c.nodes()) {
            RuntimeStats b = statsBefore.get(n.nodeId());
            RuntimeStats s = statsAfter.get(n.nodeId());
            long ticks = s.loops().ticks() - b.loops().ticks();
            long msgs = s.loops().messagesIn() - b.loops().messagesIn();
            long loop = loopNs.getOrDefault("n" + n.nodeId(), 0L);
            ticksMax = Math.max(ticksMax, ticks / (wallNs / 1e9));
            out.printf(Locale.ROOT, "  n%d: replicas=%d ticks/s=%.0f messages-in/s=%.0f loop CPU %.2f %%"
                            + " of one core = %.0f ns per tick (all loop work / ticks) suspicions=%d skipped=%d%n",
                    n.nodeId(), s.loops().replicas(), ticks / (wallNs / 1e9), msgs / (wallNs / 1e9),
                    100.0 * loop / wallNs, ticks == 0 ? 0.0 : (double) loop / ticks,
                    s.liveness().suspicions() - b.liveness().suspicions(),
                    s.liveness().evaluationsSkipped() - b.liveness().evaluationsSkipped());
        }
        return new Window(wallNs / 1e9, 100.0 * processNs / wallNs, nodeCpuMax, ticksMax);
    }

    private static Map<Long, RuntimeStats> stats(GrpcCluster c) {
        Map<Long, RuntimeStats> m = new HashMap<>();
        for (RaftRuntime n : c.nodes()) {
            m.put(n.nodeId(), n.stats());
        }
        return m;
    }

    private static Map<Long, long[]> threadCpu(ThreadMXBean threads) {
        Map<Long, long[]> m = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long ns = threads.getThreadCpuTime(id);
            if (ns >= 0) {
                m.put(id, new long[] {ns});
            }
        }
        return m;
    }

    /** Waits until {@code atLeast} replicas per group (over all nodes) satisfy {@code test}. */
    private static void awaitAll(GrpcCluster c, int groups, int seconds,
                                 java.util.function.Predicate<GroupStatus> test, int atLeast, String what) {
        int[] last = {0};
        GrpcCluster.await(seconds, () -> {
            Map<Long, Integer> per = new HashMap<>();
            for (RaftRuntime n : c.nodes()) {
                List<CompletableFuture<GroupStatus>> fs = new ArrayList<>(groups);
                for (long g = 1; g <= groups; g++) {
                    fs.add(n.status(g));
                }
                for (CompletableFuture<GroupStatus> f : fs) {
                    GroupStatus s = GrpcCluster.get(f, 30);
                    if (test.test(s)) {
                        per.merge(s.groupId(), 1, Integer::sum);
                    }
                }
            }
            last[0] = (int) per.values().stream().filter(v -> v >= atLeast).count();
            if (last[0] == groups) {
                return true;
            }
            pause(1);
            return false;
        }, what + " in every group (last count " + last[0] + " of " + groups + ")");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Lets wall time pass (a measuring window, not a wait for a condition). */
    private static void pause(int seconds) {
        long end = SystemClock.INSTANCE.nowNs() + seconds * 1_000_000_000L;
        for (long now = SystemClock.INSTANCE.nowNs(); now < end; now = SystemClock.INSTANCE.nowNs()) {
            LockSupport.parkNanos(end - now);
        }
    }
}
