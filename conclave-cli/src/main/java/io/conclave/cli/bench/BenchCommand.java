package io.conclave.cli.bench;

import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.cli.node.ServerConfigs;
import io.conclave.ops.config.ConfigException;
import io.conclave.ops.config.NodeConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench}: the benchmarks of the issues so far, as suites ({@link Suite}). The data
 * suite starts node processes; the engine suites run conclave-bench's programs in this JVM (see
 * docs/bench-cli.md for why). Prints a table per suite on stdout (their own report lines go to
 * stderr as progress) and writes every figure as one JSON document ({@code --out}, {@code --json}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Runs benchmark suites, prints their figures and writes them as JSON",
        "(--out FILE, --json). Suites (--suite a,b or repeated; default: data):",
        "  data      produce via the client library to 3 local node processes, RF 3:",
        "            STRONG latency (1 in flight), throughput at STRONG and EVENTUAL",
        "  raft      the Raft core: 3 nodes on one thread, in-memory storage",
        "  storage   durable appends on this disk: raw fsync, shared WAL, per-group files",
        "  runtime   Multi-Raft runtime, 3 runtimes over gRPC in this JVM: commit",
        "            latency and throughput",
        "  idle      CPU and heap of many elected, idle groups",
        "  failover  time until every group of a closed leader node is led again",
        "  all       every suite above, in that order (minutes at the default sizes)",
        "Raise --latency-records, --throughput-seconds, --seconds, --groups, --trials",
        "and --raft-entries for steadier figures. Details: docs/bench-cli.md.",
        "Exit code: 0 when every suite ran, 1 when one failed, 2 for bad arguments."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--suite", split = ",", paramLabel = "SUITE", description = "data, raft, storage, runtime, idle,"
            + " failover or all (default: data)")
    List<String> suites = new ArrayList<>(List.of("data"));

    @Option(names = {"-b", "--bootstrap"}, split = ",", description = "data suite: use this running cluster instead of"
            + " starting one")
    List<String> bootstrap;

    @Option(names = "--node-set", paramLabel = "KEY=VALUE", description = "data: a configuration setting for"
            + " the nodes it starts (repeatable; docs/configuration.md), e.g. --node-set storage.wal.preallocate=false;"
            + " the nodes do not read this shell's CONCLAVE_* variables")
    List<String> nodeSettings = new ArrayList<>();

    @Option(names = "--node-java-opts", paramLabel = "OPTS", defaultValue = DataSuite.NODE_JAVA_OPTS_DEFAULT,
            description = "data: JVM options of the nodes it starts, space-separated (default: ${DEFAULT-VALUE})")
    String nodeJavaOpts;

    @Option(names = "--latency-out", paramLabel = "FILE", description = "data: write each timed STRONG write as a"
            + " line 'startMs latencyMs' (from the first write) to FILE, to see when the slow ones came")
    Path latencyOut;

    @Option(names = "--node-logs", paramLabel = "DIR", description = "data: copy the logs of the nodes it starts"
            + " (node-1.log ...) into DIR, an existing directory, before their data is deleted")
    Path nodeLogs;

    @Option(names = "--latency-records", defaultValue = "5000", description = "sequential timed writes: data (STRONG"
            + " produce) and runtime (commits) (default: ${DEFAULT-VALUE})")
    int latencyRecords;

    @Option(names = "--latency-warmup-records", defaultValue = "20000", description = "data: untimed single STRONG"
            + " writes just before the timed ones, until the JIT of the nodes and the client settles"
            + " (default: ${DEFAULT-VALUE})")
    int latencyWarmupRecords;

    @Option(names = "--throughput-seconds", defaultValue = "20", description = "measuring window of each data"
            + " throughput run, as the Kafka peer's (default: ${DEFAULT-VALUE})")
    int throughputSeconds;

    @Option(names = "--throughput-warmup-seconds", defaultValue = "30", description = "data: produce load before"
            + " the throughput windows, for the JIT of the nodes and the client (default: ${DEFAULT-VALUE})")
    int throughputWarmupSeconds;

    @Option(names = "--size", defaultValue = "1024", description = "record / entry bytes: data, storage, runtime"
            + " (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--partitions", defaultValue = "1", description = "partitions of the data suite's topic"
            + " (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--seconds", defaultValue = "3", description = "measuring window: storage, runtime throughput,"
            + " idle; healthy window of failover (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "warm-up before the storage and runtime"
            + " throughput windows (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--groups", split = ",", description = "group counts: storage runs each, runtime throughput, idle"
            + " and failover the largest (default: storage 1,1000; runtime 1; idle 1000; failover 100)")
    List<Integer> groups;

    @Option(names = "--trials", defaultValue = "3", description = "failover trials (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--raft-batches", split = ",", defaultValue = "1,16,256", description = "raft: proposals per"
            + " batch, one run each (default: ${DEFAULT-VALUE})")
    List<Integer> raftBatches;

    @Option(names = "--raft-entries", defaultValue = "200000", description = "raft: entries per round, 5 rounds"
            + " (default: ${DEFAULT-VALUE})")
    long raftEntries;

    @Option(names = "--quiesce-idle-ticks", defaultValue = "100", description = "idle: ticks before an idle group"
            + " rests, 0 = quiescence off (default: ${DEFAULT-VALUE})")
    int quiesceIdleTicks;

    @Option(names = "--dir", description = "where storage and runtime put their data (default: the temp directory)")
    Path dir;

    @Option(names = "--out", description = "write every figure as one JSON document to this file")
    Path out;

    @Option(names = "--json", description = "print the JSON document on stdout instead of the tables")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Suite> chosen;
        BenchSizes sizes;
        try {
            chosen = Suite.parse(suites);
            sizes = new BenchSizes(latencyRecords, latencyWarmupRecords, throughputSeconds, throughputWarmupSeconds,
                    size, partitions, seconds, warmupSeconds, groups, trials, raftBatches, raftEntries, quiesceIdleTicks,
                    dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"))).validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        checkNodeSettings();
        if (!Files.isDirectory(sizes.dir())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + sizes.dir()
                    + " is not a directory");
        }
        checkParentExists("--out", out);
        checkParentExists("--latency-out", latencyOut);
        if (nodeLogs != null && !Files.isDirectory(nodeLogs)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node-logs " + nodeLogs
                    + " is not a directory");
        }
        String started = Instant.now().toString();
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long t0 = System.nanoTime();
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        PrintStream progress = Main.err();
        Map<String, Object> suiteSeconds = new java.util.LinkedHashMap<>();
        for (Suite s : chosen) {
            progress.printf("[bench] suite %s: %s%n", s.label(), s.title());
            long s0 = System.nanoTime();
            try {
                List<Figure> got = s == Suite.DATA ? new DataSuite(sizes, bootstrap, progress,
                        List.of(nodeJavaOpts.trim().split("\\s+")), nodeSettings, latencyOut, nodeLogs).run()
                        : new EngineSuites(sizes, progress).run(s);
                figures.addAll(got);
                if (!json) {
                    printTable(Main.out(), s, got);
                }
            } catch (Exception | AssertionError e) {
                errors.add(Json.map("suite", s.label(), "error", String.valueOf(e)));
                Main.err().println("conclave bench: suite " + s.label() + " failed: " + e);
            }
            suiteSeconds.put(s.label(), (System.nanoTime() - s0) / 1e9);
            progress.printf(Locale.ROOT, "[bench] suite %s took %.1f s%n", s.label(), (System.nanoTime() - s0) / 1e9);
        }
        Map<String, Object> doc = document(started, chosen, figures, errors, (System.nanoTime() - t0) / 1e9);
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) doc.get("machine");
        machine.put("loadAverageAtStart", loadAtStart);
        machine.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        doc.put("suiteSeconds", suiteSeconds);
        if (out != null) {
            Files.writeString(out, Json.of(doc) + "\n");
        }
        if (json) {
            Main.out().println(Json.of(doc));
        }
        return errors.isEmpty() ? 0 : 1;
    }

    private void checkParentExists(String flag, Path file) {
        if (file != null && file.toAbsolutePath().getParent() != null
                && !Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + " " + file + ": no such directory "
                    + file.toAbsolutePath().getParent());
        }
    }

    /** Each {@code --node-set} is a {@code key=value} a node accepts: refused here, not by three failed nodes. */
    private void checkNodeSettings() {
        // A node's required keys, with values that only have to be valid: nothing is started here.
        Map<String, String> flags = new java.util.LinkedHashMap<>(Map.of("node.id", "1",
                "data.dir", Path.of(System.getProperty("java.io.tmpdir"), "conclave-bench-probe").toString(),
                "initial.controllers", "1@127.0.0.1:1:2"));
        for (String s : nodeSettings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--node-set " + s
                        + ": expected key=value");
            }
            flags.put(s.substring(0, eq), s.substring(eq + 1));
        }
        try {
            ServerConfigs.from(NodeConfig.load(null, Map.of(), flags));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node-set: " + e.getMessage());
        }
        if (nodeJavaOpts.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node-java-opts must not be empty");
        }
    }

    private static Map<String, Object> document(String started, List<Suite> chosen, List<Figure> figures,
                                                List<Map<String, Object>> errors, double seconds) {
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Figure f : figures) {
            fs.add(Json.map("suite", f.suite(), "name", f.name(), "value", f.value(), "unit", f.unit(), "parameters",
                    f.parameters(), "date", f.date()));
        }
        Map<String, Object> machine = Json.map("cores", Runtime.getRuntime().availableProcessors(), "java",
                System.getProperty("java.version"), "javaVm", System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.vm.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.version") + " " + System.getProperty("os.arch"), "heapMaxBytes",
                Runtime.getRuntime().maxMemory());
        return Json.map("date", started, "machine", machine, "suites",
                chosen.stream().map(Suite::label).collect(Collectors.toList()), "seconds", seconds, "figures", fs,
                "errors", errors);
    }

    /** One suite's figures as an aligned table, then the command lines that reproduce them. */
    static void printTable(PrintStream o, Suite suite, List<Figure> figures) {
        o.printf("%n%s%n", suite.title());
        o.printf("  %-24s %16s  %-16s %s%n", "figure", "value", "unit", "parameters");
        List<String> commands = new ArrayList<>();
        for (Figure f : figures) {
            String params = f.parameters().entrySet().stream().filter(e -> !e.getKey().equals("command"))
                    .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            o.printf("  %-24s %16s  %-16s %s%n", f.name(), format(f.value()), f.unit(), params);
            Object c = f.parameters().get("command");
            if (c != null && !commands.contains(c.toString())) {
                commands.add(c.toString());
            }
        }
        for (String c : commands) {
            o.println("  reproduce: " + c);
        }
    }

    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (v == Math.rint(v) || Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
    }
}
