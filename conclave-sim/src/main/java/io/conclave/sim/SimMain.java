package io.conclave.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.Outcome;
import io.conclave.sim.cluster.SimConfig;
import io.conclave.sim.cluster.SimResult;
import io.conclave.sim.cluster.Simulation;
import io.conclave.sim.core.Trace;
import io.conclave.sim.runtime.RuntimeSimulation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs seeds from the command line. Exit status 0 when every seed passed every invariant, liveness
 * check and history checker; 1 when a seed failed (the first failing seed and the command that
 * replays it are printed first); 2 on bad options.
 */
public final class SimMain {

    private SimMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with {@code args}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            out.println(SimOptions.USAGE);
            return 0;
        }
        SimOptions opts;
        try {
            opts = SimOptions.parse(args);
            if (opts.runtime()) {
                opts.runtimeConfig(opts.seed());
            } else {
                opts.config(opts.seed());
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<SimResult> results = new ArrayList<>();
        for (int i = 0; i < opts.seeds(); i++) {
            long s = opts.seed() + i;
            SimResult r;
            if (opts.runtime()) {
                PrintStream echo = opts.trace() ? err : null;
                r = opts.metadataWorkload()
                        ? RuntimeSimulation.runMetadata(opts.runtimeConfig(s), opts.metadataOptions(), echo)
                        : opts.logWorkload() ? RuntimeSimulation.runLog(opts.runtimeConfig(s), opts.logOptions(), echo)
                        : RuntimeSimulation.run(opts.runtimeConfig(s), echo);
            } else {
                SimConfig config = opts.config(s);
                Trace trace = new Trace();
                if (opts.trace()) {
                    trace.echoTo(err);
                }
                r = Simulation.run(config, trace);
            }
            results.add(r);
            if (opts.history() != null) {
                writeHistory(opts, r, err);
            }
            if (!opts.json()) {
                out.println(line(r));
            }
        }
        SimResult firstFailure = results.stream().filter(r -> !r.passed()).findFirst().orElse(null);
        if (opts.json()) {
            out.println(json(opts, results, firstFailure));
        } else if (firstFailure != null) {
            out.println();
            out.println("FAILED seed " + firstFailure.seed() + ": " + firstFailure.failure());
            out.println("replay: " + opts.replayCommand(firstFailure.seed()));
        } else {
            out.println("all " + results.size() + " seeds passed");
        }
        if (firstFailure != null) {
            err.println("FAILED seed " + firstFailure.seed() + "; replay: " + opts.replayCommand(firstFailure.seed()));
        }
        return firstFailure == null ? 0 : 1;
    }

    private static String line(SimResult r) {
        return String.format("seed %d %s ops=%d ok=%d fail=%d unknown=%d faults=%s checks=%s sim=%.1fs wall=%dms"
                        + " events=%d trace=%s", r.seed(), r.passed() ? "PASS" : "FAIL", r.history().size(),
                r.count(Outcome.OK), r.count(Outcome.FAIL), r.count(Outcome.UNKNOWN), r.faults(), r.checks(),
                r.simNs() / 1e9, r.wallNs() / 1_000_000, r.events(), r.traceHashHex());
    }

    static Path historyPath(SimOptions opts, long seed) {
        Path p = opts.history();
        if (opts.seeds() == 1) {
            return p;
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + seed + name.substring(dot) : name + "-" + seed;
        return p.resolveSibling(numbered);
    }

    private static void writeHistory(SimOptions opts, SimResult r, PrintStream err) {
        Path p = historyPath(opts, r.seed());
        try {
            HistoryWriter.write(r.history(), p, List.of("conclave-sim seed " + r.seed() + " trace " + r.traceHashHex(),
                    "replay: " + opts.replayCommand(r.seed()),
                    r.passed() ? "passed" : "FAILED: " + r.failure().lines().findFirst().orElse("")));
        } catch (IOException e) {
            err.println("could not write history " + p + ": " + e.getMessage());
        }
    }

    private static String json(SimOptions opts, List<SimResult> results, SimResult firstFailure) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("passed", firstFailure == null);
        if (firstFailure != null) {
            root.put("failingSeed", firstFailure.seed());
            root.put("failure", firstFailure.failure());
            root.put("replay", opts.replayCommand(firstFailure.seed()));
        }
        root.put("seeds", results.size());
        root.put("mode", opts.runtime() ? (opts.logWorkload() ? "runtime-log" : opts.metadataWorkload()
                ? "runtime-metadata" : "runtime") : "raft-core");
        long ops = 0;
        long simNs = 0;
        long wallNs = 0;
        TreeMap<String, Long> faults = new TreeMap<>();
        TreeMap<String, TreeMap<String, Long>> verdicts = new TreeMap<>();
        for (SimResult r : results) {
            ops += r.history().size();
            simNs += r.simNs();
            wallNs += r.wallNs();
            r.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
            for (Map.Entry<String, String> c : r.checks().entrySet()) {
                verdicts.computeIfAbsent(c.getKey(), k -> new TreeMap<>()).merge(c.getValue(), 1L, Long::sum);
            }
        }
        root.put("operations", ops);
        root.set("faults", mapper.valueToTree(faults));
        root.set("checkerVerdicts", mapper.valueToTree(verdicts));
        root.put("simulatedSeconds", simNs / 1e9);
        root.put("wallSeconds", wallNs / 1e9);
        ArrayNode runs = root.putArray("runs");
        for (SimResult r : results) {
            ObjectNode n = runs.addObject();
            n.put("seed", r.seed());
            n.put("passed", r.passed());
            n.put("operations", r.history().size());
            n.put("ok", r.count(Outcome.OK));
            n.put("fail", r.count(Outcome.FAIL));
            n.put("unknown", r.count(Outcome.UNKNOWN));
            n.set("faults", mapper.valueToTree(r.faults()));
            n.set("checks", mapper.valueToTree(r.checks()));
            n.put("traceHash", r.traceHashHex());
            n.put("simulatedSeconds", r.simNs() / 1e9);
            n.put("wallMillis", r.wallNs() / 1_000_000);
            if (!r.passed()) {
                n.put("failure", r.failure());
            }
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("summary is plain data", e);
        }
    }
}
