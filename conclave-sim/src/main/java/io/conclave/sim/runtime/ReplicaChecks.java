package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.metadata.PartitionInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a runtime simulation asks of the replicas of its groups at the end of a phase, against the
 * placement: a leader in every group, replicas that agree (applied index, state, membership), each node
 * storing exactly the groups placed on it, every acknowledged proposal applied by every voter. Each
 * answer is a description of the first group or node that fails, null when none does. Reads the nodes
 * only; the simulation's thread.
 */
final class ReplicaChecks {

    /** What a group's replicas must agree on besides their applied index. */
    enum State {
        /** The register machine's state (the register workload). */
        REGISTERS,
        /** A partition's next offset and digest (the log workload). */
        PARTITION,
        /** A metadata group's image, byte for byte (the metadata workload). */
        IMAGE
    }

    private final RuntimeSimConfig config;
    private final RuntimeNode[] nodes;
    private final Placement placement;
    private final RuntimeControl control;
    private final Oracle oracle;
    private final PartitionGroups partitionGroups; // null unless the metadata workload reconciles
    private final PartitionChecks partitionChecks;
    private final State state;

    ReplicaChecks(RuntimeSimConfig config, RuntimeNode[] nodes, Placement placement, RuntimeControl control,
                  Oracle oracle, PartitionGroups partitionGroups, PartitionChecks partitionChecks, State state) {
        this.config = config;
        this.nodes = nodes;
        this.placement = placement;
        this.control = control;
        this.oracle = oracle;
        this.partitionGroups = partitionGroups;
        this.partitionChecks = partitionChecks;
        this.state = state;
    }

    /** Whether every group has a leader among the nodes the placement gives it. */
    boolean everyGroupHasLeader() {
        for (long g = 1; g <= config.groups(); g++) {
            if (leaderOf(g) == null) {
                return false;
            }
        }
        return true;
    }

    private Replica leaderOf(long g) {
        for (long v : placement.hosts(g)) {
            Replica r = nodes[(int) v].replica(g);
            if (r != null && r.raft().isLeader()) {
                return r;
            }
        }
        return null;
    }

    /** The first group without a leader, described. */
    String stuckGroup() {
        for (long g = 1; g <= config.groups(); g++) {
            if (leaderOf(g) == null) {
                return "group " + g + " has no leader: " + describe(g);
            }
        }
        return "every group has a leader now";
    }

    private String describe(long g) {
        StringBuilder sb = new StringBuilder("voters " + placement.voters(g) + ", hosts " + placement.hosts(g)
                + (placement.learners(g).isEmpty() ? "" : ", learners " + placement.learners(g)));
        String move = control.moves().describe(g);
        if (move != null) {
            sb.append(", ").append(move);
        }
        for (long v = 1; v <= config.nodes(); v++) {
            if (!placement.hosts(g, v) && !placement.learners(g).contains(v) && nodes[(int) v].replica(g) == null) {
                continue;
            }
            Replica r = nodes[(int) v].replica(g);
            sb.append("\n  node ").append(v).append(nodes[(int) v].isUp() ? "" : " (down)").append(": ")
                    .append(r == null ? "no replica" : r.status());
        }
        return sb.toString();
    }

    /** The first group whose replicas differ in applied index or state, described; null when all agree. */
    String divergentGroup() {
        for (long g = 1; g <= config.groups(); g++) {
            if (control.moves().moving(g)) {
                return "group " + g + " is still moving: " + describe(g);
            }
            Long applied = null;
            Object agreed = null;
            Set<Long> members = new TreeSet<>(placement.voters(g));
            members.addAll(placement.learners(g)); // learners apply the image too: they must hold the same
            for (long v : members) {
                RuntimeNode node = nodes[(int) v];
                Replica r = node.replica(g);
                if (r == null) {
                    return "group " + g + " has no replica on node " + v;
                }
                GroupStatus s = r.status();
                if (s.rejoining() || s.commitIndex() != s.appliedIndex()) {
                    return "group " + g + " is not settled on node " + v + ": " + s;
                }
                if (!s.confState().voters().equals(placement.voters(g))
                        || !s.confState().learners().equals(placement.learners(g))) {
                    return "group " + g + " has not finished reconfiguring on node " + v + ": " + describe(g);
                }
                Object st = switch (state) {
                    case IMAGE -> imageState(node, g);
                    case REGISTERS -> node.machine().state(g);
                    case PARTITION -> partitionState(node, g);
                };
                if (applied == null) {
                    applied = s.appliedIndex();
                    agreed = st;
                } else if (applied != s.appliedIndex() || !Objects.equals(agreed, st)) {
                    return "group " + g + " differs between replicas: " + describe(g);
                }
            }
        }
        return null;
    }

    /**
     * Every node stores exactly the groups the placement gives it, in its storage and in its disk's
     * {@code groups/} directory (one directory per group: a destroyed replica's is gone); null when so.
     */
    String misplacedReplica() {
        for (int i = 1; i <= config.nodes(); i++) {
            RuntimeNode node = nodes[i];
            Set<Long> placed = new TreeSet<>();
            for (long g = 1; g <= config.groups(); g++) {
                if (placement.hosts(g, i) || placement.learners(g).contains((long) i)) {
                    placed.add(g);
                }
            }
            if (partitionGroups != null) {
                for (Map.Entry<Long, PartitionInfo> p : partitionChecks.expected().entrySet()) {
                    if (p.getValue().replicas().contains((long) i)
                            || partitionChecks.keptOnStranded(p.getKey(), p.getValue(), i)) {
                        placed.add(p.getKey());
                    }
                }
            }
            if (!node.isUp()) {
                return "node " + i + " is down at the end";
            }
            if (!node.engine().groupIds().equals(placed)) {
                return "node " + i + " stores groups " + node.engine().groupIds() + ", the placement gives it " + placed;
            }
            Set<Long> dirs = new TreeSet<>();
            for (String name : node.groupDirectories()) {
                int dot = name.indexOf('.');
                dirs.add(Long.parseLong(dot < 0 ? name : name.substring(0, dot)));
            }
            if (!dirs.equals(placed) || node.groupDirectories().size() != placed.size()) {
                return "node " + i + " has group directories " + node.groupDirectories() + ", the placement gives it "
                        + placed;
            }
        }
        return null;
    }

    /** A metadata group's image on a node, for convergence: its snapshot encoding, byte for byte. */
    private static java.nio.ByteBuffer imageState(RuntimeNode node, long g) {
        MetadataPlane plane = node.metadataPlane();
        return plane == null ? null
                : java.nio.ByteBuffer.wrap(io.conclave.partition.metadata.ImageCodec.encode(plane.log(g).image()));
    }

    /** A partition's applied state on a node, for convergence: its next offset and digest. */
    private static List<Long> partitionState(RuntimeNode node, long g) {
        DataPlane dp = node.dataPlane();
        if (dp == null) {
            return null;
        }
        io.conclave.server.partition.PartitionLog log = dp.partition(g);
        return List.of(log.nextOffset(), log.digest());
    }

    /** Every acknowledged proposal must be applied by every replica (its entry fixed by the oracle). */
    String lostAcknowledgement() {
        Map<Long, PartitionInfo> partitions = partitionGroups == null ? Map.of() : partitionChecks.expected();
        for (Map.Entry<Long, Long> e : new TreeMap<>(oracle.ackedIndexMax()).entrySet()) {
            long g = e.getKey();
            Set<Long> voters;
            if (PartitionGroups.isPartition(g)) {
                if (!partitions.containsKey(g)) {
                    continue; // its topic was deleted: its replicas are gone, as they should be
                }
                if (partitionChecks.leaderless(g, partitions.get(g))) {
                    continue; // no leader can be elected: its rejoining replicas never catch up
                }
                voters = new TreeSet<>(partitions.get(g).replicas());
            } else {
                voters = placement.voters(g);
            }
            for (long v : voters) {
                Replica r = nodes[(int) v].replica(g);
                long applied = r == null ? 0 : r.status().appliedIndex();
                if (applied < e.getValue()) {
                    return "invariant acknowledged-survives: group " + g + " acknowledged index " + e.getValue()
                            + " but node " + v + " has applied only " + applied;
                }
            }
            if (oracle.appliedAt(g, e.getValue()) == null) {
                return "invariant acknowledged-survives: group " + g + " acknowledged index " + e.getValue()
                        + " that no replica applied";
            }
        }
        return null;
    }
}
