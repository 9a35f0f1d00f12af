package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.metadata.PartitionInfo;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * The end-of-run checks of the partition groups the nodes' reconcilers created ({@link PartitionGroups}):
 * which partitions the metadata groups' images assign, which of them are stranded (no majority of
 * replicas kept its data), and whether every other one has settled — a replica on each assigned node, a
 * leader, none rejoining, membership as assigned, the same applied index and state, the topic's retention
 * set. Reads the nodes only; scheduler thread only.
 */
final class PartitionChecks {

    private final RuntimeNode[] nodes;
    private final int metadataGroups;
    private final LongFunction<Set<Long>> votersOf;
    private final PartitionGroups groups;

    /** @param votersOf the voters of a metadata group (its images are read on the first) */
    PartitionChecks(RuntimeNode[] nodes, int metadataGroups, LongFunction<Set<Long>> votersOf, PartitionGroups groups) {
        this.nodes = nodes;
        this.metadataGroups = metadataGroups;
        this.votersOf = votersOf;
        this.groups = groups;
    }

    /** Every partition the metadata groups' (converged) images assign, by runtime group id. */
    TreeMap<Long, PartitionInfo> expected() {
        TreeMap<Long, PartitionInfo> out = new TreeMap<>();
        for (long m = 1; m <= metadataGroups; m++) {
            long first = votersOf.apply(m).iterator().next();
            out.putAll(PartitionGroups.assigned(m, NodeReconciliation.imageOn(nodes[(int) first], m)));
        }
        return out;
    }

    /**
     * Whether the partition is stranded: every replica exists, some are rejoining (they lost their data)
     * and those that are not are no majority, so no leader can be elected to let them catch up (the safe
     * outcome, docs/operations.md: with RF 2 one lost replica is enough; with RF 1 the sole replica stays
     * rejoining and leaderless for good — {@link PartitionGroups#writableIds}).
     */
    boolean stranded(long g, PartitionInfo p) {
        int rejoining = 0;
        int holding = 0;
        for (long v : p.replicas()) {
            Replica r = nodes[(int) v].replica(g);
            if (r == null) {
                return false;
            }
            if (r.status().rejoining()) {
                rejoining++;
            } else {
                holding++;
            }
        }
        return rejoining > 0 && holding <= p.replicas().size() / 2;
    }

    /** The first partition group that has not settled, described; null when all have. */
    String firstUnsettled() {
        for (Map.Entry<Long, PartitionInfo> e : expected().entrySet()) {
            long g = e.getKey();
            PartitionInfo p = e.getValue();
            if (stranded(g, p)) {
                continue;
            }
            String why = unsettled(g, p);
            if (why != null) {
                StringBuilder sb = new StringBuilder("partition group " + g + " (topic " + p.topicId() + "/"
                        + p.partition() + ", replicas " + p.replicas() + ") " + why);
                for (long v : p.replicas()) {
                    Replica r = nodes[(int) v].replica(g);
                    sb.append("\n  node ").append(v).append(nodes[(int) v].isUp() ? "" : " (down)").append(": ")
                            .append(r == null ? "no replica" : r.status());
                }
                return sb.toString();
            }
        }
        return null;
    }

    private String unsettled(long g, PartitionInfo p) {
        Long applied = null;
        Object state = null;
        boolean led = false;
        for (long v : p.replicas()) {
            RuntimeNode node = nodes[(int) v];
            Replica r = node.replica(g);
            if (r == null) {
                return "has no replica on node " + v + (node.isUp() ? "" : " (down)");
            }
            GroupStatus s = r.status();
            led |= r.raft().isLeader();
            if (s.rejoining() || s.commitIndex() != s.appliedIndex()) {
                return "is not settled on node " + v + ": " + s;
            }
            if (!s.confState().voters().equals(new TreeSet<>(p.replicas())) || !s.confState().learners().isEmpty()) {
                return "has membership " + s.confState() + " on node " + v;
            }
            Object st = node.metadataPlane().partitionState(g);
            if (applied == null) {
                applied = s.appliedIndex();
                state = st;
            } else if (applied != s.appliedIndex() || !Objects.equals(state, st)) {
                return "differs between replicas: node " + v + " applied " + s.appliedIndex() + " " + st
                        + ", another " + applied + " " + state;
            }
            String want = NodeReconciliation.imageOn(node, PartitionGroups.metadataGroupOf(g)).topics()
                    .get(p.topicId()).config().get(TopicConfig.RETENTION_MS);
            Long got = groups.retentionMs(v, g);
            if (want != null && (got == null || got != Long.parseLong(want))) {
                return "has retention " + got + " ms on node " + v + ", its topic " + want;
            }
        }
        return led ? null : "has no leader";
    }
}
