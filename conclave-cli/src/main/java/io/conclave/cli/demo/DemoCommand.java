package io.conclave.cli.demo;

import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.sim.SimMain;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave demo}: a real 3-process cluster loses a leader to SIGKILL and carries on, verified. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Starts a local 3-node cluster as three separate JVM processes on loopback (racks a, b, c), creates a",
        "topic with 6 partitions and replication factor 3, and produces records with STRONG consistency while",
        "a consumer reads. Part-way it kills the leader of partition 0 with SIGKILL, restarts it later, then",
        "verifies from the consumer's records that no acknowledged record was lost or duplicated and that all",
        "replicas hold identical logs. Cleans up its processes and data on exit (also on Ctrl-C).",
        "Exits 0 when the verification passes, 1 when it fails.",
        "With --simulated: the same story in the deterministic simulator, with every nemesis on."})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--records", description = "records to produce (default: ${DEFAULT-VALUE})", defaultValue = "100000")
    int records;

    @Option(names = "--partitions", description = "partitions of the demo topic (default: ${DEFAULT-VALUE})",
            defaultValue = "6")
    int partitions;

    @Option(names = "--value-bytes", description = "bytes per record (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int valueBytes;

    @Option(names = "--keep", description = "keep the data directories and logs (printed at the end)")
    boolean keep;

    @Option(names = "--json", description = "progress to stderr; the last line of stdout is one JSON summary")
    boolean json;

    @Option(names = "--simulated", description = "run the simulated demo instead (no processes, no sockets)")
    boolean simulated;

    @Option(names = "--seed", description = "--simulated: first seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--seeds", description = "--simulated: how many seeds (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int seeds;

    @Override
    public Integer call() throws Exception {
        if (simulated) {
            return simulatedDemo();
        }
        if (records < 10 || partitions < 1 || valueBytes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--records must be >= 10, --partitions >= 1, --value-bytes >= 1");
        }
        PrintStream progress = json ? Main.err() : Main.out();
        Path root = Files.createTempDirectory("conclave-demo-");
        LocalProcesses cluster = new LocalProcesses(root, 3, List.of("-Xmx768m", "-XX:+UseParallelGC"));
        Thread cleanup = new Thread(() -> {
            cluster.close();
            if (!keep) {
                LocalProcesses.deleteTree(root);
            }
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        DemoRun.Summary s;
        try {
            s = new DemoRun(cluster, records, partitions, valueBytes, progress).run();
        } catch (RuntimeException e) {
            Main.err().println("[demo] failed: " + e.getMessage());
            for (long id = 1; id <= 3; id++) {
                Main.err().println("[demo] last lines of node " + id + "'s log:\n" + cluster.tail(id, 15));
            }
            return 1;
        } finally {
            cluster.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            if (!keep) {
                LocalProcesses.deleteTree(root);
            }
        }
        print(s, root);
        return s.ok() ? 0 : 1;
    }

    private void print(DemoRun.Summary s, Path root) {
        PrintStream out = Main.out();
        if (!json) {
            out.println();
            out.println("Conclave demo summary");
            out.printf("  records acknowledged  %,d (failed %d), consumed %,d%n", s.acknowledged(), s.failed(), s.consumed());
            out.printf("  throughput            %,.0f records/s (STRONG: durable on a majority before the ack)%n",
                    s.throughputPerSec());
            out.printf("  latency               p50 %.2f ms, p99 %.2f ms (send to ack, batching included, at most " + DemoRun.WINDOW_RECORDS + " in flight)%n",
                    s.latencyP50Ms(), s.latencyP99Ms());
            out.printf("  failover              node %d killed with SIGKILL; new leaders after %d ms%n", s.killedNode(),
                    s.failoverMs());
            out.printf("  verification          lost %d, duplicated %d, misplaced %d, replicas identical: %s -> %s%n",
                    s.lost(), s.duplicated(), s.misplaced(), s.replicasIdentical(), s.ok() ? "PASS" : "FAIL");
            if (keep) {
                out.println("  data and logs kept in " + root);
            }
        }
        out.println(Json.of(Json.map("acknowledged", s.acknowledged(), "failed", s.failed(), "consumed", s.consumed(),
                "lost", s.lost(), "duplicated", s.duplicated(), "misplaced", s.misplaced(),
                "replicasIdentical", s.replicasIdentical(), "failoverMs", s.failoverMs(), "killedNode", s.killedNode(),
                "throughputPerSec", Math.round(s.throughputPerSec()), "latencyP50Ms", s.latencyP50Ms(),
                "latencyP99Ms", s.latencyP99Ms(), "seconds", Math.round(s.seconds()), "ok", s.ok())));
    }

    private int simulatedDemo() {
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be >= 1, was " + seeds);
        }
        if (!json) {
            Main.out().println("Conclave demo (simulated): 3-node cluster, all nemeses on, checkers on every run.");
            Main.out().println("Replay any seed exactly with: bin/conclave sim --seed <S> --nodes 3 --nemesis all");
            Main.out().println();
        }
        List<String> args = new ArrayList<>(List.of("--seed", Long.toString(seed), "--seeds", Integer.toString(seeds),
                "--nodes", "3", "--nemesis", "all"));
        if (json) {
            args.add("--json");
        }
        return SimMain.run(args.toArray(new String[0]), Main.out(), Main.err());
    }
}
