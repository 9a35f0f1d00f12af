package io.conclave.cli;

import io.conclave.check.CheckMain;
import io.conclave.sim.SimMain;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code bin/conclave}: one entry point, a subcommand per task. */
@Command(name = "conclave", mixinStandardHelpOptions = true, version = "conclave 0.1.0-SNAPSHOT",
        description = "A clustered, replicated, partitioned message log for the JVM.",
        subcommands = {Main.Demo.class, Main.Sim.class, Main.Check.class})
public final class Main implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        Streams.out = out;
        Streams.err = err;
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where subcommands print; set per run so tests can capture it. */
    static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        private Streams() {
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = {"Shows Conclave's consensus at work, today in the deterministic simulator: a 3-node",
                    "cluster (racks a, b, c) takes writes and reads while nodes crash and restart, the network",
                    "partitions and clocks skew; then the checkers prove no acknowledged write was lost and",
                    "every linearizable operation was linearizable. Same seed, same run.",
                    "(The multi-process demo over real sockets arrives with the node runtime.)"})
    static final class Demo implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seed", description = "first seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
        long seed;

        @Option(names = "--seeds", description = "how many seeds to run (default: ${DEFAULT-VALUE})",
                defaultValue = "5")
        int seeds;

        @Option(names = "--json", description = "print one JSON summary object per seed")
        boolean json;

        @Override
        public Integer call() {
            if (seeds < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be >= 1, was " + seeds);
            }
            if (!json) {
                Streams.out.println("Conclave demo: simulated 3-node cluster, all nemeses on, checkers on every run.");
                Streams.out.println("Replay any seed exactly with: bin/conclave sim --seed <S> --nodes 3 --nemesis all");
                Streams.out.println();
            }
            List<String> args = new ArrayList<>(List.of("--seed", Long.toString(seed), "--seeds",
                    Integer.toString(seeds), "--nodes", "3", "--nemesis", "all"));
            if (json) {
                args.add("--json");
            }
            return SimMain.run(args.toArray(new String[0]), Streams.out, Streams.err);
        }
    }

    @Command(name = "sim", description = {"Runs the deterministic simulator (options: bin/conclave sim --help).",
            "Exits 0 when every checker passes."})
    static final class Sim implements Callable<Integer> {

        @Unmatched
        List<String> args = new ArrayList<>();

        @Parameters(arity = "0..*", hidden = true)
        List<String> positional = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> all = new ArrayList<>(args);
            all.addAll(positional);
            return SimMain.run(all.toArray(new String[0]), Streams.out, Streams.err);
        }
    }

    @Command(name = "check", description = {"Checks a history file (JSON lines, ../shared/history-format.md):",
            "linearizability and log scans. Usage: bin/conclave check HISTORY [--json].",
            "Exits 0 when valid, 1 when not, 2 on bad input."})
    static final class Check implements Callable<Integer> {

        @Unmatched
        List<String> args = new ArrayList<>();

        @Parameters(arity = "0..*", hidden = true)
        List<String> positional = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> all = new ArrayList<>(positional);
            all.addAll(args);
            return CheckMain.run(all.toArray(new String[0]), Streams.out, Streams.err);
        }
    }
}
