package io.conclave.sim.nemesis;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Partition;
import io.conclave.sim.node.SimNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A swarm nemesis: each seed draws which of the allowed fault kinds are on and how often each
 * strikes, and alternates active windows with quiet ones (no new faults start while quiet). Every
 * fault heals itself after a drawn duration; {@link #stopAndHeal} ends everything at once.
 */
public final class SwarmNemesis {

    /** The largest backward clock jump. */
    static final long BACKWARD_BUMP_NS_MAX = 500_000_000L;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final FaultTarget target;
    private final EnumMap<FaultKind, Long> meanIntervalNs = new EnumMap<>(FaultKind.class);
    private final NetConfig baseNet;
    private boolean active;
    private boolean stopped;
    private int partitionsOpen;
    private int lossyOpen;
    private int slowNetOpen;

    public SwarmNemesis(Scheduler scheduler, SimRandom random, Trace trace, FaultTarget target,
                        EnumSet<FaultKind> allowed) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.target = target;
        this.baseNet = target.network().config();
        // Few allowed kinds (a targeted run): all on. Many: each on with probability 0.6, at least one.
        for (FaultKind k : FaultKind.values()) {
            boolean on = allowed.contains(k) && (allowed.size() <= 2 || random.chance(0.6));
            if (on) {
                meanIntervalNs.put(k, random.between(300_000_000L, 3_000_000_000L));
            }
        }
        if (meanIntervalNs.isEmpty() && !allowed.isEmpty()) {
            FaultKind k = random.pick(List.copyOf(allowed));
            meanIntervalNs.put(k, random.between(300_000_000L, 3_000_000_000L));
        }
    }

    /** The fault kinds this seed drew, with their mean interval. */
    public Map<FaultKind, Long> drawn() {
        return new EnumMap<>(meanIntervalNs);
    }

    public void start() {
        active = true;
        trace.record(scheduler.nowNs(), "nemesis.active", 1, 0);
        scheduleWindowFlip();
        for (FaultKind k : meanIntervalNs.keySet()) {
            scheduleNext(k);
        }
    }

    private void scheduleWindowFlip() {
        long len = active ? random.between(1_000_000_000L, 4_000_000_000L) : random.between(300_000_000L, 2_000_000_000L);
        scheduler.after(len, () -> {
            if (stopped) {
                return;
            }
            active = !active;
            trace.record(scheduler.nowNs(), "nemesis.active", active ? 1 : 0, 0);
            scheduleWindowFlip();
        });
    }

    private void scheduleNext(FaultKind k) {
        scheduler.after(random.exponential(meanIntervalNs.get(k)), () -> {
            if (stopped) {
                return;
            }
            if (active) {
                inject(k);
            }
            scheduleNext(k);
        });
    }

    private void inject(FaultKind k) {
        trace.record(scheduler.nowNs(), "nemesis." + k.label(), 0, 0);
        switch (k) {
            case PARTITION -> partition();
            case LOSSY_NET -> lossy();
            case CLOG -> clog();
            case SLOW_NET -> slowNet();
            case CRASH -> crash();
            case PAUSE -> pause();
            case WIPE -> wipe();
            case CLOCK -> clock();
            case SLOW_DISK -> slowDisk();
            case MEMBERSHIP -> membership();
            case TRANSFER -> transfer();
            case SNAPSHOT -> snapshot();
            default -> throw new IllegalStateException("unhandled fault " + k);
        }
    }

    private long faultDurationNs() {
        return random.between(200_000_000L, 3_000_000_000L);
    }

    private int randomNode() {
        return 1 + random.nextInt(target.nodeCount());
    }

    // ---- network ----

    private Partition drawPartition() {
        int n = target.nodeCount();
        int shape = random.nextInt(7);
        switch (shape) {
            case 0:
                return Partition.isolate(n, randomNode());
            case 6: {
                int leader = target.leaderNode(random.nextInt(target.groupCount()));
                return Partition.isolate(n, leader == 0 ? randomNode() : leader);
            }
            case 1: {
                List<Integer> all = shuffled(n);
                return Partition.split(n, new TreeSet<>(all.subList(0, n / 2)));
            }
            case 2:
                return n >= 3 ? Partition.bridge(n, randomNode()) : Partition.isolate(n, randomNode());
            case 3: {
                List<Integer> order = shuffled(n);
                return Partition.ring(n, order.stream().mapToInt(Integer::intValue).toArray());
            }
            case 4: {
                int a = randomNode();
                int b = otherNode(a);
                return Partition.oneWay(n, a, b);
            }
            default: {
                int a = randomNode();
                return Partition.cutLink(n, a, otherNode(a));
            }
        }
    }

    private int otherNode(int a) {
        int b = randomNode();
        return b == a ? (a % target.nodeCount()) + 1 : b;
    }

    private List<Integer> shuffled(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all;
    }

    private void partition() {
        if (target.nodeCount() < 2) {
            return;
        }
        Partition p = drawPartition();
        target.network().apply(p);
        partitionsOpen++;
        target.countFault("partition-" + p.name().replaceAll("-.*", ""));
        trace.record(scheduler.nowNs(), "fault.partition", Trace.fnv(p.name()), 0);
        scheduler.after(faultDurationNs(), () -> {
            if (--partitionsOpen == 0 && !stopped) {
                target.network().healCuts();
                trace.record(scheduler.nowNs(), "fault.heal-partition", 0, 0);
            }
        });
    }

    private void lossy() {
        double loss = random.between(1, 20) / 100.0;
        double dup = random.between(0, 10) / 100.0;
        double reorder = random.between(0, 30) / 100.0;
        target.network().setConfig(target.network().config().withFaults(loss, dup, reorder));
        lossyOpen++;
        target.countFault("lossy-net");
        scheduler.after(faultDurationNs(), () -> {
            if (--lossyOpen == 0 && !stopped) {
                NetConfig c = target.network().config();
                target.network().setConfig(c.withFaults(baseNet.lossRate(), baseNet.duplicateRate(),
                        baseNet.reorderRate()));
            }
        });
    }

    private void clog() {
        if (target.nodeCount() < 2) {
            return;
        }
        int links = 1 + random.nextInt(target.nodeCount());
        long step = random.between(50_000_000L, 300_000_000L);
        for (int i = 0; i < links; i++) {
            scheduler.after(step * i, () -> {
                if (stopped) {
                    return;
                }
                int a = randomNode();
                int b = otherNode(a);
                target.network().clog(a, b);
                target.countFault("clog-link");
                trace.record(scheduler.nowNs(), "fault.clog", a, b);
            });
        }
        scheduler.after(step * links + faultDurationNs(), () -> {
            if (!stopped) {
                target.network().unclogAll();
            }
        });
    }

    private void slowNet() {
        NetConfig c = target.network().config();
        long factor = random.between(5, 50);
        target.network().setConfig(new NetConfig(c.latencyNsMin(), c.latencyNsMeanExtra(),
                baseNet.interRackLatencyNsMin() * factor, baseNet.interRackLatencyNsMeanExtra() * factor,
                c.lossRate(), c.duplicateRate(), c.reorderRate(), c.reorderNsMax()));
        slowNetOpen++;
        target.countFault("slow-net");
        scheduler.after(faultDurationNs(), () -> {
            if (--slowNetOpen == 0 && !stopped) {
                NetConfig now = target.network().config();
                target.network().setConfig(new NetConfig(now.latencyNsMin(), now.latencyNsMeanExtra(),
                        baseNet.interRackLatencyNsMin(), baseNet.interRackLatencyNsMeanExtra(), now.lossRate(),
                        now.duplicateRate(), now.reorderRate(), now.reorderNsMax()));
            }
        });
    }

    // ---- process ----

    private void crash() {
        int id = randomNode();
        if (target.node(id).state() != SimNode.State.UP) {
            return;
        }
        target.countFault("crash");
        target.crashFor(id, faultDurationNs());
    }

    private void pause() {
        int leader = target.leaderNode(random.nextInt(target.groupCount()));
        boolean onLeader = leader != 0 && random.chance(0.5);
        int id = onLeader ? leader : randomNode();
        SimNode node = target.node(id);
        if (node.state() != SimNode.State.UP) {
            return;
        }
        node.pause();
        long pauseNs = faultDurationNs();
        scheduler.after(pauseNs, node::resume);
        if (onLeader && target.nodeCount() > 1 && random.chance(0.5)) {
            // A leader frozen and cut off: it resumes still believing it leads, while the others have
            // elected a new leader. It stays cut off a little after resuming.
            target.network().apply(Partition.isolate(target.nodeCount(), id));
            partitionsOpen++;
            target.countFault("pause-isolated-leader");
            scheduler.after(pauseNs + random.between(50_000_000L, 500_000_000L), () -> {
                if (--partitionsOpen == 0 && !stopped) {
                    target.network().healCuts();
                    trace.record(scheduler.nowNs(), "fault.heal-partition", 0, 0);
                }
            });
        } else {
            target.countFault("pause");
        }
    }

    private void wipe() {
        int id = randomNode();
        if (target.wipe(id)) {
            target.countFault("wipe");
        }
    }

    // ---- clock ----

    private void clock() {
        int id = randomNode();
        SimNode node = target.node(id);
        long now = scheduler.nowNs();
        double driftMax = target.leaseReads() ? target.maxClockDrift() / 2 : 0.2;
        int what = target.leaseReads() ? 0 : random.nextInt(3);
        if (what == 0) {
            double drift = (random.nextDouble() * 2 - 1) * driftMax;
            node.clock().setDrift(now, drift);
            target.countFault("clock-drift");
        } else if (what == 1) {
            // A forward jump may be large (a suspended VM resuming); a backward one stays small, since the
            // tick timer runs on a monotonic clock and a long backward jump would only freeze the node.
            long delta = random.chance(0.5) ? random.between(1_000_000L, 1_000_000_000L)
                    : random.between(1_000_000_000L, 120_000_000_000L);
            node.clock().bump(now, random.chance(0.7) ? delta : -Math.min(delta, BACKWARD_BUMP_NS_MAX));
            target.countFault("clock-bump");
        } else {
            int flips = 2 + random.nextInt(10);
            long period = random.between(5_000_000L, 100_000_000L);
            long amp = random.between(1_000_000L, 200_000_000L);
            for (int i = 0; i < flips; i++) {
                long d = i % 2 == 0 ? amp : -amp;
                scheduler.after(period * i, () -> {
                    if (!stopped) {
                        node.clock().bump(scheduler.nowNs(), d);
                        node.onClockChanged();
                    }
                });
            }
            target.countFault("clock-strobe");
        }
        node.onClockChanged();
    }

    private void slowDisk() {
        SimNode node = target.node(randomNode());
        node.disk().setSlowFactor(random.between(10, 200));
        target.countFault("slow-disk");
        scheduler.after(faultDurationNs(), () -> node.disk().setSlowFactor(1));
    }

    // ---- control plane ----

    private int randomGroup() {
        return random.nextInt(target.groupCount());
    }

    private void membership() {
        int g = randomGroup();
        boolean done = random.chance(0.5) ? target.moveReplica(g) : target.demoteVoter(g, faultDurationNs());
        if (done) {
            target.countFault("membership");
        }
    }

    private void transfer() {
        if (target.transferLeadership(randomGroup())) {
            target.countFault("transfer-leader");
        }
    }

    private void snapshot() {
        SimNode node = target.node(randomNode());
        List<Integer> groups = node.groups();
        if (!groups.isEmpty()) {
            node.forceSnapshot(random.pick(groups));
            target.countFault("snapshot");
        }
    }

    // ---- end ----

    /** Stops injecting and heals every open fault; crashed nodes are restarted, paused ones resumed. */
    public void stopAndHeal() {
        stopped = true;
        long now = scheduler.nowNs();
        trace.record(now, "nemesis.heal", 0, 0);
        target.network().healCuts();
        target.network().unclogAll();
        target.network().setConfig(baseNet);
        for (int id = 1; id <= target.nodeCount(); id++) {
            SimNode node = target.node(id);
            node.disk().setSlowFactor(1);
            node.clock().setDrift(now, 0);
            if (node.state() == SimNode.State.PAUSED) {
                node.resume();
            } else if (node.state() == SimNode.State.DOWN) {
                node.start();
            }
            node.onClockChanged();
        }
    }
}
