package io.conclave.sim.cluster;

import io.conclave.sim.disk.DiskConfig;
import io.conclave.sim.nemesis.FaultKind;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.node.HostBug;
import io.conclave.sim.node.HostConfig;
import io.conclave.sim.workload.WorkloadConfig;
import java.util.EnumSet;

/**
 * Everything one simulation run depends on besides the code.
 *
 * @param seed the run seed; everything random derives from it
 * @param nodes simulated machines
 * @param racks racks the machines are spread over (round robin)
 * @param groups Raft groups
 * @param replicasPerGroup replicas of each group (at most {@code nodes})
 * @param faultNs how long the nemesis runs, in simulated ns
 * @param healNs bound on the time after healing for every group to have a leader and settle
 * @param finalReadNs bound on the time for the final reads of every key to succeed
 * @param nemeses the fault kinds the swarm may draw from
 * @param bugs planted bugs (empty in real runs)
 * @param buggify whether buggify points may fire: null lets the seed decide
 * @param eventsMax a bound on scheduler events (a livelock guard)
 * @param check whether to run the history checkers at the end
 */
public record SimConfig(long seed, int nodes, int racks, int groups, int replicasPerGroup, long faultNs, long healNs,
                        long finalReadNs, WorkloadConfig workload, HostConfig host, NetConfig net, DiskConfig disk,
                        EnumSet<FaultKind> nemeses, EnumSet<HostBug> bugs, Boolean buggify, long eventsMax,
                        boolean check) {

    public SimConfig {
        nemeses = nemeses.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(nemeses);
        bugs = bugs.isEmpty() ? EnumSet.noneOf(HostBug.class) : EnumSet.copyOf(bugs);
    }

    /** A 3-node, one-group cluster under every fault, 300 operations over 10 simulated seconds. */
    public static SimConfig defaults(long seed) {
        return new SimConfig(seed, 3, 3, 1, 3, 10_000_000_000L, 30_000_000_000L, 20_000_000_000L,
                WorkloadConfig.defaults(), HostConfig.defaults(), NetConfig.defaults(), DiskConfig.defaults(),
                EnumSet.allOf(FaultKind.class), EnumSet.noneOf(HostBug.class), null, 200_000_000L, true);
    }

    public SimConfig validate() {
        require(nodes > 0 && nodes < 1000, "nodes must be in [1, 999]");
        require(racks > 0, "racks must be > 0");
        require(groups > 0, "groups must be > 0");
        require(replicasPerGroup > 0 && replicasPerGroup <= nodes, "replicasPerGroup must be in [1, nodes]");
        require(faultNs >= 0 && healNs > 0 && finalReadNs > 0, "phase lengths must be positive");
        require(eventsMax > 0, "eventsMax must be > 0");
        workload.validate();
        host.validate();
        net.validate();
        disk.validate();
        return this;
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(s, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                net, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    public SimConfig withCluster(int n, int g, int replicas) {
        return new SimConfig(seed, n, Math.min(racks, n), g, replicas, faultNs, healNs, finalReadNs, workload, host,
                net, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    public SimConfig withWorkload(WorkloadConfig w) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, w, host,
                net, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    public SimConfig withHost(HostConfig h) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, h,
                net, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    public SimConfig withNemeses(EnumSet<FaultKind> k) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                net, disk, k, bugs, buggify, eventsMax, check);
    }

    public SimConfig withBugs(EnumSet<HostBug> b) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                net, disk, nemeses, b, buggify, eventsMax, check);
    }

    public SimConfig withFaultNs(long ns) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, ns, healNs, finalReadNs, workload, host,
                net, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    public SimConfig withBuggify(Boolean b) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                net, disk, nemeses, bugs, b, eventsMax, check);
    }

    public SimConfig withCheck(boolean on) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                net, disk, nemeses, bugs, buggify, eventsMax, on);
    }

    public SimConfig withNet(NetConfig n) {
        return new SimConfig(seed, nodes, racks, groups, replicasPerGroup, faultNs, healNs, finalReadNs, workload, host,
                n, disk, nemeses, bugs, buggify, eventsMax, check);
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid sim config: " + msg);
        }
    }
}
