package io.conclave.sim.cluster;

import io.conclave.check.CheckConfig;
import io.conclave.check.CheckResult;
import io.conclave.check.Checkers;
import io.conclave.check.Report;
import io.conclave.check.history.History;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.log.ReplicaLog;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.invariant.InvariantViolation;
import io.conclave.sim.nemesis.SwarmNemesis;
import io.conclave.sim.workload.Workload;
import io.conclave.sim.workload.WorkloadConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One seed, start to end: the cluster starts; clients and the swarm nemesis run for
 * {@code faultNs}; every fault heals; within {@code healNs} every group must have a leader and
 * finish reconfiguring; within {@code finalReadNs} a final LINEARIZABLE read of every key must
 * succeed. Safety invariants are checked throughout; the first violation ends the run.
 */
public final class Simulation {

    /** How often the heal and convergence phases look at the cluster. */
    static final long POLL_NS = 50_000_000L;

    private Simulation() {
    }

    public static SimResult run(SimConfig config) {
        return run(config, null);
    }

    /** Runs one seed; {@code trace} may be given to echo events as text. */
    public static SimResult run(SimConfig config, Trace trace) {
        long wallStart = System.nanoTime();
        Trace t = trace != null ? trace : new Trace();
        Scheduler scheduler = new Scheduler(config.eventsMax());
        Cluster cluster = new Cluster(config, scheduler, t);
        Workload workload = new Workload(scheduler, SimRandom.of(config.seed(), "workload"), t,
                paced(config), cluster);
        String failure = null;
        try {
            cluster.start();
            workload.start(config.groups());
            SwarmNemesis nemesis = new SwarmNemesis(scheduler, SimRandom.of(config.seed(), "nemesis"), t, cluster,
                    config.nemeses());
            nemesis.start();
            scheduler.runUntil(config.faultNs());
            workload.stop();
            nemesis.stopAndHeal();
            failure = settle(scheduler, cluster, config);
            if (failure == null) {
                failure = finalReads(scheduler, workload, config);
            }
            if (failure == null) {
                failure = converge(scheduler, cluster, config);
            }
        } catch (InvariantViolation v) {
            failure = "invariant " + v.getMessage();
        } catch (RuntimeException e) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            failure = "crash at t=" + scheduler.nowNs() + "ns: " + sw;
        }
        History history = workload.history();
        Map<String, String> verdicts = new LinkedHashMap<>();
        if (config.check()) {
            String checkFailure = check(history, failure == null ? finalLogs(cluster, history) : null,
                    scheduler.nowNs(), verdicts);
            if (failure == null) {
                failure = checkFailure;
            }
        }
        return new SimResult(config.seed(), failure, history, t.hash(), scheduler.nowNs(),
                System.nanoTime() - wallStart, scheduler.eventsRun(), cluster.faults(), verdicts);
    }

    /**
     * Runs the history checkers (linearizability per key, log scans, and — when the run ended
     * cleanly — convergence of every replica's logs; null {@code finalLogs} skips it); returns the
     * first failure or null, and puts every checker's verdict into {@code verdicts}.
     */
    public static String check(History history, List<ReplicaLog> finalLogs, long endNs,
                               Map<String, String> verdicts) {
        Report report = Checkers.runAll(history, CheckConfig.defaults());
        if (finalLogs != null) {
            report = report.with(Checkers.convergence(history, finalLogs, endNs));
        }
        String failure = null;
        for (CheckResult r : report.results()) {
            verdicts.put(r.checker(), r.verdict().wireName());
            if (!r.isValid() && failure == null) {
                failure = "checker " + r.checker() + " " + r.verdict().wireName() + ": " + r.explanation().strip();
            }
        }
        return failure;
    }

    private static List<ReplicaLog> finalLogs(Cluster cluster, History history) {
        TreeSet<String> logKeys = new TreeSet<>();
        for (Operation op : history.operations()) {
            if (op.op().kind() == OpType.Kind.LOG) {
                logKeys.add(op.key());
            }
        }
        List<ReplicaLog> out = new ArrayList<>();
        for (String key : logKeys) {
            int group = Integer.parseInt(key.substring(1, key.indexOf('/')));
            for (int i = 1; i <= cluster.nodeCount(); i++) {
                if (cluster.node(i).hosts(group) && cluster.node(i).machine(group) != null) {
                    List<Object> values = new ArrayList<>(cluster.node(i).machine(group).read(key, 0, -1));
                    out.add(new ReplicaLog("node-" + i, key, values));
                }
            }
        }
        return out;
    }

    /**
     * After the final reads, every replica of every group must catch up with its leader: same applied
     * index and byte-identical state machines.
     */
    private static String converge(Scheduler scheduler, Cluster cluster, SimConfig config) {
        long deadline = scheduler.nowNs() + config.healNs();
        boolean ok = poll(scheduler, () -> divergentGroup(cluster) < 0, deadline);
        if (ok) {
            return null;
        }
        int g = divergentGroup(cluster);
        return "convergence: " + config.healNs() / 1_000_000 + " ms after the final reads, the replicas of group "
                + g + " still differ\n" + cluster.describe(g);
    }

    private static int divergentGroup(Cluster cluster) {
        for (int g = 0; g < cluster.groupCount(); g++) {
            long applied = -1;
            byte[] state = null;
            for (int i = 1; i <= cluster.nodeCount(); i++) {
                if (!cluster.node(i).hosts(g)) {
                    continue;
                }
                if (cluster.node(i).raft(g) == null) {
                    return g;
                }
                long a = cluster.node(i).applied(g);
                byte[] st = cluster.node(i).machine(g).snapshot();
                if (state == null) {
                    applied = a;
                    state = st;
                } else if (a != applied || !Arrays.equals(st, state)) {
                    return g;
                }
            }
        }
        return -1;
    }

    /** Spreads the operation budget over the fault phase unless the config fixes a think time. */
    static WorkloadConfig paced(SimConfig c) {
        WorkloadConfig w = c.workload();
        if (w.thinkNsMean() > 0 || w.opsTotal() == 0) {
            return w;
        }
        long clients = (long) c.groups() * w.keysPerGroup() * w.clientsPerKey();
        long think = Math.max(1_000_000L, c.faultNs() * clients / Math.max(1, w.opsTotal()));
        return new WorkloadConfig(w.kind(), w.keysPerGroup(), w.clientsPerKey(), w.opsTotal(), think, w.timeoutNs(),
                w.clientLatencyNs()).validate();
    }

    private static String settle(Scheduler scheduler, Cluster cluster, SimConfig config) {
        long deadline = scheduler.nowNs() + config.healNs();
        boolean ok = poll(scheduler, () -> cluster.reconfiguring().isEmpty()
                && cluster.leaderlessGroups().isEmpty(), deadline);
        if (ok) {
            return null;
        }
        List<Integer> leaderless = cluster.leaderlessGroups();
        List<Integer> reconfiguring = cluster.reconfiguring();
        int example = !leaderless.isEmpty() ? leaderless.get(0) : reconfiguring.get(0);
        return "liveness: " + config.healNs() / 1_000_000 + " ms after healing, groups without a leader: "
                + head(leaderless) + ", still reconfiguring: " + head(reconfiguring) + "\n" + cluster.describe(example);
    }

    private static String finalReads(Scheduler scheduler, Workload workload, SimConfig config) {
        long deadline = scheduler.nowNs() + config.finalReadNs();
        workload.startFinalReads(deadline);
        scheduler.runUntil(workload::finalReadsDone, deadline + 2 * config.workload().timeoutNs());
        scheduler.runUntil(workload::idle, scheduler.nowNs() + 2 * config.workload().timeoutNs());
        if (!workload.finalReadsDone() || workload.finalReadsFailed() > 0) {
            return "liveness: final reads of " + workload.finalReadsFailed() + " keys did not succeed within "
                    + config.finalReadNs() / 1_000_000 + " ms after healing";
        }
        return null;
    }

    /** Runs in steps of {@link #POLL_NS} until {@code done} holds or {@code deadlineNs} passes. */
    private static boolean poll(Scheduler scheduler, java.util.function.BooleanSupplier done, long deadlineNs) {
        while (!done.getAsBoolean()) {
            if (scheduler.nowNs() >= deadlineNs) {
                return false;
            }
            scheduler.runUntil(Math.min(deadlineNs, scheduler.nowNs() + POLL_NS));
        }
        return true;
    }

    private static String head(List<Integer> xs) {
        return xs.size() <= 10 ? xs.toString() : xs.subList(0, 10) + " and " + (xs.size() - 10) + " more";
    }
}
