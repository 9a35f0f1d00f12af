package io.conclave.sim.runtime;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Network;
import io.conclave.sim.net.Partition;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A swarm nemesis for runtime runs: each seed draws which allowed faults are on (each with
 * probability 0.6, at least one; all when two or fewer are allowed) and a mean interval for each;
 * every fault heals itself after a drawn duration and {@link #stopAndHeal} ends them all. Crashes
 * keep a majority of nodes up when there are three or more, except that a second crash may land
 * while another node is still down with probability one half — the case that loses acknowledged
 * writes when fsync lies. When the nodes take a torn WAL tail for a possible loss
 * ({@code rejoinAfterTornTail}, runs that may draw corruption), a crash is a data loss like a wipe and
 * stays inside the fault model, a minority losing data: see {@link #crashWouldStrand}.
 */
final class RuntimeNemesis {

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final Network network;
    private final RuntimeNode[] nodes; // by id, index 0 unused
    private final RuntimeControl control;
    private final int groups;
    private final java.util.function.LongFunction<java.util.Set<Long>> votersOf;
    private final EnumMap<RuntimeFault, Long> meanIntervalNs = new EnumMap<>(RuntimeFault.class);
    private final NetConfig baseNet;
    private final TreeMap<String, Long> counts = new TreeMap<>();
    private final boolean guardCrashes;
    private final java.util.Set<Long> powerCutPending = new java.util.TreeSet<>();
    private boolean stopped;

    RuntimeNemesis(Scheduler scheduler, SimRandom random, Trace trace, Network network, RuntimeNode[] nodes,
                   EnumSet<RuntimeFault> allowed, RuntimeControl control, int groups,
                   java.util.function.LongFunction<java.util.Set<Long>> votersOf, boolean guardCrashes) {
        this.guardCrashes = guardCrashes;
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.network = network;
        this.nodes = nodes;
        this.control = control;
        this.groups = groups;
        this.votersOf = votersOf;
        this.baseNet = network.config();
        for (RuntimeFault f : RuntimeFault.values()) {
            SimRandom r = streamOf(f);
            if (allowed.contains(f) && (allowed.size() <= 2 || r.chance(0.6))) {
                meanIntervalNs.put(f, r.between(300_000_000L, 2_000_000_000L));
            }
        }
        if (meanIntervalNs.isEmpty() && !allowed.isEmpty()) {
            meanIntervalNs.put(random.pick(List.copyOf(allowed)), random.between(300_000_000L, 2_000_000_000L));
        }
        if (meanIntervalNs.containsKey(RuntimeFault.MOVE) && meanIntervalNs.containsKey(RuntimeFault.TORN_CRASH)) {
            control.moves().onDestroy(this::tornCrashDuringDestroy);
        }
    }

    /**
     * The stream a fault kind's timing is drawn from: moves draw from their own, so that the draws of
     * every other kind are those of the runs before moves existed (and runs where no move can start,
     * every group on every node, run as they did).
     */
    private SimRandom streamOf(RuntimeFault f) {
        return f == RuntimeFault.MOVE ? control.moves().random() : random;
    }

    Map<String, Long> counts() {
        return counts;
    }

    void start() {
        for (RuntimeFault f : meanIntervalNs.keySet()) {
            scheduleNext(f);
        }
    }

    private void scheduleNext(RuntimeFault f) {
        scheduler.after(streamOf(f).exponential(meanIntervalNs.get(f)), () -> {
            if (!stopped) {
                inject(f);
                scheduleNext(f);
            }
        });
    }

    private long durationNs() {
        return random.between(100_000_000L, 3_000_000_000L);
    }

    private void count(String kind, long a) {
        counts.merge(kind, 1L, Long::sum);
        trace.record(scheduler.nowNs(), "fault." + kind, a, 0, 0, 0);
    }

    private int n() {
        return nodes.length - 1;
    }

    private void inject(RuntimeFault f) {
        switch (f) {
            case PARTITION -> partition();
            case LOSSY_NET -> lossy();
            case CLOG -> clog();
            case CRASH -> crash(false);
            case TORN_CRASH -> crash(true);
            case SLOW_DISK -> slowDisk();
            case PAUSE -> pause();
            case CLOCK_DRIFT -> clockDrift();
            case CLOCK_BUMP -> clockBump();
            case CLOCK_STROBE -> clockStrobe();
            case WIPE -> wipe();
            case DISK_FULL -> diskFull();
            case READ_ERRORS -> readErrors();
            case CORRUPTION -> corruption();
            case MEMBERSHIP -> membership();
            case TRANSFER -> transfer();
            case MOVE -> move();
            default -> throw new IllegalStateException("unhandled fault " + f);
        }
    }

    private void partition() {
        if (n() < 2) {
            return;
        }
        int a = 1 + random.nextInt(n());
        int b = 1 + (a % n());
        Partition p = switch (random.nextInt(3)) {
            case 0 -> Partition.isolate(n(), a);
            case 1 -> Partition.oneWay(n(), a, b);
            default -> Partition.cutLink(n(), a, b);
        };
        network.apply(p);
        count("partition", a);
        scheduler.after(durationNs(), () -> {
            if (!stopped) {
                network.healCuts();
            }
        });
    }

    private void lossy() {
        network.setConfig(network.config().withFaults(random.nextDouble() * 0.2, random.nextDouble() * 0.1,
                random.nextDouble() * 0.2));
        count("lossy-net", 0);
        scheduler.after(durationNs(), () -> {
            if (!stopped) {
                network.setConfig(network.config().withFaults(baseNet.lossRate(), baseNet.duplicateRate(),
                        baseNet.reorderRate()));
            }
        });
    }

    private void clog() {
        if (n() < 2) {
            return;
        }
        int a = 1 + random.nextInt(n());
        int b = 1 + (a % n());
        network.clog(a, b);
        count("clog", a);
        scheduler.after(random.between(50_000_000L, 1_000_000_000L), () -> {
            if (!stopped) {
                network.unclogAll();
            }
        });
    }

    private int downCount() {
        int down = 0;
        for (int i = 1; i <= n(); i++) {
            if (!nodes[i].isUp()) {
                down++;
            }
        }
        return down;
    }

    private void crash(boolean torn) {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        if (control.reconfiguring() && random.chance(0.9)) {
            return; // mostly, let a reconfiguration or a post-loss leader move finish first
        }
        int down = downCount();
        boolean allowed = down == 0 || (n() >= 3 && down < (n() + 1) / 2 && random.chance(0.5));
        if (!node.isUp() || !allowed) {
            return;
        }
        String strand = crashWouldStrand(node);
        if (strand != null) {
            count("crash-skipped-" + strand, node.id());
            return;
        }
        if (torn) {
            cutPowerSoon(node, random.between(0, 20), random.between(0, 5_000_000L));
        } else {
            node.crash();
        }
        count(torn ? "torn-crash" : "crash", node.id());
        scheduler.after(durationNs(), () -> {
            if (!stopped && !node.isUp()) {
                node.restart();
            }
        });
    }

    /**
     * The power goes out after {@code mutations} more disk changes, at the latest {@code withinNs} from now
     * (or at the heal, when that comes first: {@link #stopAndHeal}).
     */
    private void cutPowerSoon(RuntimeNode node, long mutations, long withinNs) {
        node.crashAfterMutations(mutations);
        powerCutPending.add(node.id());
        scheduler.after(withinNs, () -> {
            if (powerCutPending.remove(node.id())) {
                node.crash();
            }
        });
    }

    /**
     * Why crashing {@code node} now could leave a group without a leader for good, or null when it
     * cannot. Only runs whose nodes take a cut WAL tail for a possible loss ask: there a crash may make
     * every group of the node rejoin (no vote until it is demoted, caught up and promoted), and if the
     * voters of a group that still vote are then fewer than a quorum — another replica rejoining or down,
     * or a membership shrunk to two — no leader can be elected, by design, and nobody can promote or
     * demote anyone: that is no longer a minority losing data (seed 133). So a crash, like a wipe, is
     * held unless, in every membership of every group that lists the node ({@link
     * RuntimeControl#membershipsOf}: the placement's and each replica's, which may lag), a quorum of the
     * other voters would vote, with no other power cut pending and no membership change of the group in
     * flight (it may shrink the group to two voters). {@code "rejoining"} when a replica the quorum
     * needs is rejoining or down (or a power cut is pending: that node is as good as down), {@code
     * "unsteady"} otherwise (a two-voter membership, a membership change). Passing moments — no leader,
     * a paused node, a learner being promoted by a move — do not hold it.
     */
    private String crashWouldStrand(RuntimeNode node) {
        if (!guardCrashes) {
            return null;
        }
        if (!powerCutPending.isEmpty()) {
            return "rejoining";
        }
        String reason = null;
        for (long g = 1; g <= groups; g++) {
            for (java.util.Set<Long> voters : control.membershipsOf(g)) {
                if (!voters.contains(node.id())) {
                    continue;
                }
                if (control.membershipChanging(g)) {
                    reason = "unsteady";
                    continue;
                }
                int voting = 0;
                boolean lost = false;
                for (long v : voters) {
                    if (v == node.id()) {
                        continue;
                    }
                    if (control.votes(g, v)) {
                        voting++;
                    } else {
                        lost = true;
                    }
                }
                if (voting < voters.size() / 2 + 1) {
                    if (lost) {
                        return "rejoining";
                    }
                    reason = "unsteady";
                }
            }
        }
        return reason;
    }

    /**
     * A move is about to destroy {@code node}'s replica of a group it left: the power goes out after 0–12
     * more disk changes (inside the deletion's tombstone write, directory removal or a neighbour's
     * write), when every node is up; the node restarts 10–500 ms later.
     */
    private void tornCrashDuringDestroy(RuntimeNode node) {
        SimRandom r = control.moves().powerCutRandom();
        if (stopped || downCount() > 0 || node.isPaused()) {
            return;
        }
        String strand = crashWouldStrand(node);
        if (strand != null) {
            count("torn-crash-destroy-skipped-" + strand, node.id());
            return;
        }
        cutPowerSoon(node, r.between(0, 12), r.between(0, 5_000_000L));
        count("torn-crash-destroy", node.id());
        scheduler.after(r.between(10_000_000L, 500_000_000L), () -> {
            if (!node.isUp()) {
                node.restart();
            }
        });
    }

    private void slowDisk() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        node.setFsyncSlowFactor(20);
        count("slow-disk", node.id());
        scheduler.after(durationNs(), () -> node.setFsyncSlowFactor(1));
    }

    private void pause() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        if (!node.isUp() || node.isPaused()) {
            return;
        }
        node.pause();
        count("pause", node.id());
        scheduler.after(random.between(10_000_000L, 2_000_000_000L), node::resume);
    }

    private void clockDrift() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        node.clock().setRate(0.8 + 0.4 * random.nextDouble());
        count("clock-drift", node.id());
        scheduler.after(durationNs(), () -> node.clock().setRate(1.0));
    }

    /** A duration drawn log-uniformly in [loNs, hiNs]: as many millisecond jumps as minute ones. */
    private long logUniform(long loNs, long hiNs) {
        double lo = Math.log(loNs);
        return (long) Math.exp(lo + random.nextDouble() * (Math.log(hiNs) - lo));
    }

    private void clockBump() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        if (random.chance(0.5)) {
            node.clock().bump(logUniform(1_000_000L, 300_000_000_000L));
        }
        node.clock().bumpWall((random.chance(0.5) ? 1 : -1) * logUniform(1_000_000L, 300_000_000_000L));
        count("clock-bump", node.id());
    }

    private void clockStrobe() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        long amplitudeNs = logUniform(1_000_000L, 60_000_000_000L);
        int jumps = 3 + random.nextInt(6);
        long at = 0;
        for (int k = 0; k < jumps; k++) {
            long sign = k % 2 == 0 ? 1 : -1;
            at += random.between(1_000_000L, 1_000_000_000L / jumps);
            scheduler.after(at, () -> {
                if (!stopped) {
                    node.clock().bumpWall(sign * amplitudeNs);
                }
            });
        }
        count("clock-strobe", node.id());
    }

    /**
     * Whether a node may lose its data now: three or more nodes, every node up and running (no power
     * cut pending), no reconfiguration in flight, and every group steady (its voters, no learner, nobody
     * rejoining) — so a majority holding the data always remains and the lost replica can rejoin.
     */
    private boolean mayLoseData() {
        if (n() < 3 || downCount() > 0 || !powerCutPending.isEmpty() || control.reconfiguring()) {
            return false;
        }
        for (int i = 1; i <= n(); i++) {
            if (nodes[i].isPaused()) {
                return false;
            }
        }
        for (long g = 1; g <= groups; g++) {
            if (votersOf.apply(g).size() < 3 || !control.steady(g)) {
                return false;
            }
        }
        return true;
    }

    private void wipe() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        if (!mayLoseData()) {
            return;
        }
        node.wipe();
        count("wipe", node.id());
    }

    private void corruption() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        if (!mayLoseData()) {
            return;
        }
        node.crash();
        String file = node.corrupt(random.chance(0.3) ? 0 : 1 + random.nextInt(3));
        count(file == null ? "corruption-nothing" : "corruption", node.id());
        scheduler.after(random.between(10_000_000L, 1_000_000_000L), () -> {
            if (!node.isUp()) {
                node.restart();
            }
        });
    }

    private void diskFull() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        node.setDiskFull(true, random.between(0, 256L << 10));
        count("disk-full", node.id());
        scheduler.after(durationNs(), () -> node.setDiskFull(false, 0));
    }

    private void readErrors() {
        RuntimeNode node = nodes[1 + random.nextInt(n())];
        node.setReadErrorRate(0.01 + 0.29 * random.nextDouble());
        count("read-errors", node.id());
        scheduler.after(durationNs(), () -> node.setReadErrorRate(0));
    }

    private void membership() {
        long moved = control.startMembershipChange();
        if (moved != 0) {
            count("membership", moved);
        }
    }

    private void transfer() {
        long to = control.transferLeadership();
        if (to != 0) {
            count("transfer", to);
        }
    }

    private void move() {
        long target = control.moves().start();
        if (target != 0) {
            count("move", target);
        }
    }

    /**
     * Ends every fault: cuts healed, links unclogged, the network clean, every node up. A power cut still
     * pending lands now, so its node restarts with the others: landing after the heal, it left the node down
     * for good (seed 69 of {@code --runtime --nemesis all}: "group 1 has no replica on node 2").
     */
    void stopAndHeal() {
        stopped = true;
        for (long id : powerCutPending) {
            nodes[(int) id].crash();
        }
        powerCutPending.clear();
        network.healCuts();
        network.unclogAll();
        network.setConfig(baseNet);
        for (int i = 1; i <= n(); i++) {
            nodes[i].setFsyncSlowFactor(1);
            nodes[i].clock().setRate(1.0);
            nodes[i].clock().resetWall();
            nodes[i].setDiskFull(false, 0);
            nodes[i].setReadErrorRate(0);
            nodes[i].resume();
            if (!nodes[i].isUp()) {
                nodes[i].restart();
            }
        }
        trace.record(scheduler.nowNs(), "nemesis.healed", 0, 0, 0, 0);
    }
}
