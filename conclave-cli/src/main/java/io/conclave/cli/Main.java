package io.conclave.cli;

import io.conclave.check.CheckMain;
import io.conclave.cli.admin.ClusterCommand;
import io.conclave.cli.admin.ConsumeCommand;
import io.conclave.cli.admin.ProduceCommand;
import io.conclave.cli.admin.TopicCommand;
import io.conclave.cli.bench.BenchCommand;
import io.conclave.cli.demo.DemoCommand;
import io.conclave.cli.node.NodeCommand;
import io.conclave.client.ConclaveException;
import io.conclave.sim.SimMain;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code bin/conclave}: one entry point, a subcommand per task. */
@Command(name = "conclave", mixinStandardHelpOptions = true, version = "conclave 0.1.0-SNAPSHOT",
        description = "A clustered, replicated, partitioned message log for the JVM.",
        subcommands = {DemoCommand.class, NodeCommand.class, ClusterCommand.class, TopicCommand.class,
                ProduceCommand.class, ConsumeCommand.class, BenchCommand.class, Main.Sim.class, Main.Check.class})
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
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName();
            if (e instanceof ConclaveException ce) {
                err.println(name + ": " + ce.code() + ": " + ce.getMessage());
            } else {
                err.println(name + ": " + e);
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where subcommands print (the run's stdout). */
    public static PrintStream out() {
        return Streams.out;
    }

    /** Where subcommands report errors and progress (the run's stderr). */
    public static PrintStream err() {
        return Streams.err;
    }

    /** Where subcommands print; set per run so tests can capture it. */
    static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        private Streams() {
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
