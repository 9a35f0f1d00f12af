package io.conclave.cli.bench;

import io.conclave.bench.raft.RaftCoreBenchmark;
import io.conclave.bench.raft.RaftCoreCpuProbe;
import io.conclave.bench.runtime.CommitLatencyBench;
import io.conclave.bench.runtime.FailoverBench;
import io.conclave.bench.runtime.IdleBench;
import io.conclave.bench.runtime.ThroughputBench;
import io.conclave.bench.storage.StorageBench;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The engine suites: conclave-bench's programs called in this JVM through their {@code run} methods,
 * with the arguments their command lines take (each figure carries that command line, so it can be
 * reproduced without the CLI). Their own report lines go to {@code progress}; the figures come back.
 */
final class EngineSuites {

    private static final String BENCH_JAR = "java -cp conclave-bench/target/benchmarks.jar ";
    private final BenchSizes sizes;
    private final PrintStream progress;

    EngineSuites(BenchSizes sizes, PrintStream progress) {
        this.sizes = sizes;
        this.progress = progress;
    }

    List<Figure> run(Suite suite) throws Exception {
        return switch (suite) {
            case RAFT -> raft();
            case STORAGE -> storage();
            case RUNTIME -> runtime();
            case IDLE -> idle();
            case FAILOVER -> failover();
            case DATA -> throw new IllegalArgumentException("the data suite is DataSuite's");
        };
    }

    private List<Figure> raft() {
        Sink f = new Sink(Suite.RAFT);
        for (int batch : sizes.raftBatches()) {
            List<RaftCoreCpuProbe.Round> rounds = RaftCoreCpuProbe.run(batch, sizes.raftEntries(),
                    BenchSizes.RAFT_ROUNDS, progress);
            RaftCoreCpuProbe.Round last = rounds.get(rounds.size() - 1);
            Map<String, Object> p = params("batch", batch, "entriesPerRound", sizes.raftEntries(), "round",
                    last.round(), "entryBytes", RaftCoreBenchmark.ENTRY_BYTES, "nodes", 3, "command",
                    command(RaftCoreCpuProbe.class, List.of(str(batch), str(sizes.raftEntries()))));
            f.add("entriesPerCpuSecond", last.entriesPerCpuSecond(), "entries/CPU-s", p);
            f.add("entriesPerSecond", last.entriesPerWallSecond(), "entries/s", p);
            f.add("entriesCommitted", last.entries(), "entries", p);
        }
        return f.figures;
    }

    private List<Figure> storage() throws Exception {
        Sink f = new Sink(Suite.STORAGE);
        String groups = sizes.storageGroups().stream().map(String::valueOf).collect(Collectors.joining(","));
        List<String> args = List.of("--groups", groups, "--seconds", str(sizes.seconds()), "--warmup-seconds",
                str(sizes.warmupSeconds()), "--raw-seconds", str(sizes.seconds()), "--entry-bytes",
                str(sizes.recordBytes()), "--dir", sizes.dir().toString());
        StorageBench.Report r = StorageBench.run(args.toArray(new String[0]), progress, progress);
        String command = command(StorageBench.class, args);
        if (r.raw() != null) {
            Map<String, Object> p = params("blockBytes", 4096, "seconds", r.raw().seconds(), "command", command);
            f.add("rawFsyncP50", r.raw().p50Ms(), "ms", p);
            f.add("rawFsyncP99", r.raw().p99Ms(), "ms", p);
            f.add("rawFsyncs", r.raw().ops(), "fsyncs", p);
        }
        for (StorageBench.Row row : r.rows()) {
            Map<String, Object> p = params("shape", row.shape(), "groups", row.groups(), "mode", row.mode(), "load",
                    row.load(), "entryBytes", row.entryBytes(), "seconds", sizes.seconds(), "command", command);
            if (row.mode().equals("latency")) {
                f.add("appendP50", row.p50Ms(), "ms", p);
                f.add("appendP99", row.p99Ms(), "ms", p);
            } else {
                f.add("throughput", row.mbPerSecond(), "MB/s", p);
            }
            f.add("appendsPerSecond", row.appendsPerSecond(), "appends/s", p);
            f.add("failedWrites", row.failedWrites(), "appends", p);
        }
        return f.figures;
    }

    private List<Figure> runtime() throws Exception {
        Sink f = new Sink(Suite.RUNTIME);
        int warmup = Math.min(2_000, sizes.latencyRecords());
        List<String> lat = List.of("--warmup", str(warmup), "--count", str(sizes.latencyRecords()), "--entry-bytes",
                str(sizes.recordBytes()), "--dir", sizes.dir().toString());
        CommitLatencyBench.Result l = CommitLatencyBench.run(lat.toArray(new String[0]), progress);
        Map<String, Object> lp = params("groups", 1, "count", l.count(), "entryBytes", l.entryBytes(), "outstanding", 1,
                "leaderMoves", l.leaderMoves(), "command", command(CommitLatencyBench.class, lat));
        f.add("commitLatencyP50", l.p50Ms(), "ms", lp);
        f.add("commitLatencyP99", l.p99Ms(), "ms", lp);
        f.add("commitLatencyMax", l.maxMs(), "ms", lp);
        f.add("commitsPerSecond", l.perSecond(), "entries/s", lp);
        List<String> thr = List.of("--groups", str(sizes.groupsOr(1)), "--seconds", str(sizes.seconds()),
                "--warmup-seconds", str(sizes.warmupSeconds()), "--entry-bytes", str(sizes.recordBytes()), "--dir",
                sizes.dir().toString());
        ThroughputBench.Result t = ThroughputBench.run(thr.toArray(new String[0]), progress);
        Map<String, Object> tp = params("groups", t.groups(), "window", t.window(), "entryBytes", t.entryBytes(),
                "seconds", round3(t.seconds()), "command", command(ThroughputBench.class, thr));
        f.add("throughput", t.entriesPerSecond(), "entries/s", tp);
        f.add("throughputBytes", t.mbPerSecond(), "MB/s", tp);
        f.add("committed", t.committed(), "entries", tp);
        f.add("latencyUnderLoadP50", t.p50Ms(), "ms", tp);
        f.add("latencyUnderLoadP99", t.p99Ms(), "ms", tp);
        f.add("failed", t.failed(), "proposals", tp);
        return f.figures;
    }

    private List<Figure> idle() throws Exception {
        Sink f = new Sink(Suite.IDLE);
        // With quiescence the bench waits (bounded) for every group to rest; without, it pauses this long.
        String settleSeconds = sizes.quiesceIdleTicks() > 0 ? "60" : "1";
        List<String> args = List.of("--groups", str(sizes.groupsOr(1000)), "--window-seconds", str(sizes.seconds()),
                "--settle-seconds", settleSeconds, "--quiesce-idle-ticks", str(sizes.quiesceIdleTicks()), "--dir",
                sizes.dir().toString());
        IdleBench.Result r = IdleBench.run(args.toArray(new String[0]), progress);
        Map<String, Object> p = params("groups", r.groups(), "replicasPerNode", r.groups(), "quiescence",
                r.quiescence(), "windowSeconds", round3(r.windowSeconds()), "command",
                command(IdleBench.class, args));
        f.add("processCpu", r.processCpuPercent(), "% of one core", p);
        f.add("nodeCpuMax", r.nodeCpuPercentMax(), "% of one core", p);
        f.add("ticksPerSecondMax", r.ticksPerSecondMax(), "ticks/s", p);
        f.add("heapPerReplica", r.bytesPerReplica(), "bytes", p);
        f.add("heapWithGroups", r.heapFullBytes(), "bytes", p);
        return f.figures;
    }

    private List<Figure> failover() throws Exception {
        Sink f = new Sink(Suite.FAILOVER);
        List<String> args = List.of("--trials", str(sizes.trials()), "--groups", str(sizes.groupsOr(100)),
                "--healthy-seconds", str(sizes.seconds()), "--dir", sizes.dir().toString());
        FailoverBench.Result r = FailoverBench.run(args.toArray(new String[0]), progress);
        Map<String, Object> p = params("trials", r.trials(), "groups", r.groups(), "healthySeconds", r.healthySeconds(),
                "command", command(FailoverBench.class, args));
        f.add("trialP50", r.trialP50Ms(), "ms", p);
        f.add("trialP99", r.trialP99Ms(), "ms", p);
        f.add("trialMax", r.trialMaxMs(), "ms", p);
        f.add("groupP50", r.groupP50Ms(), "ms", p);
        f.add("groupP99", r.groupP99Ms(), "ms", p);
        f.add("groupsFailedOver", r.groupsMeasured(), "groups", p);
        f.add("spuriousSuspicions", r.spuriousSuspicions(), "suspicions", p);
        f.add("spuriousLeaderChanges", r.spuriousLeaderChanges(), "leader changes", p);
        return f.figures;
    }

    /** The conclave-bench command line that runs the same measurement on its own. */
    private static String command(Class<?> main, List<String> args) {
        return BENCH_JAR + main.getName() + " " + String.join(" ", args);
    }

    /** A duration parameter to the millisecond (the figures carry the precision, not the parameters). */
    static double round3(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static String str(long v) {
        return Long.toString(v);
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Collects one suite's figures, stamped with the time the suite started. */
    static final class Sink {
        final List<Figure> figures = new ArrayList<>();
        private final Suite suite;
        private final String date = Instant.now().toString();

        Sink(Suite suite) {
            this.suite = suite;
        }

        void add(String name, double value, String unit, Map<String, Object> parameters) {
            figures.add(new Figure(suite.label(), name, value, unit, parameters, date));
        }
    }
}
