package io.conclave.sim.cluster;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.invariant.InvariantViolation;
import io.conclave.sim.nemesis.SwarmNemesis;
import io.conclave.sim.workload.Workload;
import io.conclave.sim.workload.WorkloadConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.TreeMap;

/**
 * One seed, start to end: the cluster starts; clients and the swarm nemesis run for
 * {@code faultNs}; every fault heals; within {@code healNs} every group must have a leader and
 * finish reconfiguring; within {@code finalReadNs} a final LINEARIZABLE read of every key must
 * succeed. Safety invariants are checked throughout; the first violation ends the run.
 */
public final class Simulation {

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
        } catch (InvariantViolation v) {
            failure = "invariant " + v.getMessage();
        } catch (RuntimeException e) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            failure = "crash at t=" + scheduler.nowNs() + "ns: " + sw;
        }
        return new SimResult(config.seed(), failure, workload.history(), t.hash(), scheduler.nowNs(),
                System.nanoTime() - wallStart, scheduler.eventsRun(), cluster.faults(), new TreeMap<>());
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
        boolean ok = scheduler.runUntil(() -> cluster.reconfiguring().isEmpty()
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

    private static String head(List<Integer> xs) {
        return xs.size() <= 10 ? xs.toString() : xs.subList(0, 10) + " and " + (xs.size() - 10) + " more";
    }
}
