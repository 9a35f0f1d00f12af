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
 * voters kept its data), and whether every other one has settled — a replica on each assigned node, a
 * leader, none rejoining, membership (voters, no learner) as assigned, the same applied index and state,
 * the topic's retention set — and no node holds a replica no image assigns to it (a deleted topic's, or
 * one whose replica set it left; except what a stranded partition must keep). Reads the nodes only;
 * scheduler thread only.
 */
final class PartitionChecks {

    private final RuntimeNode[] nodes;
    private final int metadataGroups;
    private final LongFunction<Set<Long>> votersOf;
    private final PartitionGroups groups;

    /** Partitions found stranded at the end ({@link #countLeaderless}). */
    private long stranded;

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
     * Whether the partition is stranded: no leader can be elected to let its replicas catch up (the safe
     * outcome, docs/operations.md: with RF 2 one lost replica is enough; with RF 1 the sole replica stays
     * rejoining and leaderless for good — {@link PartitionGroups#writableIds}). Judged on the assigned
     * replicas, and on the group's voters as its most advanced replica (the highest applied index, on any
     * node) knows them — which, with membership changes, need not be the assigned replicas (and after a
     * wipe of the only voter, its rejoining replica knows only the genesis): some voters lost their data (their
     * replicas are rejoining, or — on a node whose disk was wiped and that is no longer assigned the
     * partition, so that nothing creates its replica again — absent), and those that did not are no
     * majority. Any other voter without a replica makes the partition not stranded (a replica destroyed
     * too early is a failure, not a loss).
     */
    boolean stranded(long g, PartitionInfo p) {
        return lostMajority(g, p, p.replicas()) || lostMajority(g, p, votersKnown(g));
    }

    /** The group's voters as its most advanced replica (the highest applied index, on any node) knows them. */
    private Set<Long> votersKnown(long g) {
        GroupStatus best = null;
        for (int v = 1; v < nodes.length; v++) {
            Replica r = nodes[v].replica(g);
            GroupStatus s = r == null ? null : r.status();
            if (s != null && (best == null || s.appliedIndex() > best.appliedIndex())) {
                best = s;
            }
        }
        return best == null ? Set.of() : best.confState().voters();
    }

    /**
     * Whether some of {@code voters} lost their data (rejoining replicas; absent ones on wiped nodes no
     * longer assigned the partition) and those that did not are no majority.
     */
    private boolean lostMajority(long g, PartitionInfo p, java.util.Collection<Long> voters) {
        int rejoining = 0;
        int holding = 0;
        for (long v : voters) {
            Replica r = nodes[(int) v].replica(g);
            if (r == null) {
                if (nodes[(int) v].wipes() == 0 || p.replicas().contains(v)) {
                    return false; // a voter that lost nothing has no replica: not a loss, a bug
                }
                rejoining++; // its disk was wiped and it is no longer assigned: nothing recreates it
                continue;
            }
            if (r.status().rejoining()) {
                rejoining++;
            } else {
                holding++;
            }
        }
        return rejoining > 0 && holding <= voters.size() / 2;
    }

    /**
     * Whether the partition's group never elected a leader and never can: no replica on any node has
     * committed anything, and the genesis voters that could still vote — assigned ones (created or not)
     * and unassigned ones holding a replica — are no majority of the genesis. The group's first leader
     * needs a majority of its genesis voters. A failure ({@code partition-unelected}, docs/simulation.md):
     * a genesis voter whose directory never hosted the group creates a plain replica, assigned or not
     * ({@code Reconciler.createToElect}); one whose directory destroyed a replica of it held a replica
     * when the group could elect with it, and one whose directory is younger than the group lost what it
     * had with a wipe ({@link #stranded}, checked first); the planted bug
     * {@code assume-hosted} brings the old rule back (every genesis voter after a change rejoins, and an
     * unassigned one creates nothing).
     */
    boolean unelectable(long g, PartitionInfo p) {
        for (int v = 1; v < nodes.length; v++) {
            Replica r = nodes[v].replica(g);
            if (r != null && r.status().commitIndex() > 0) {
                return false;
            }
        }
        int voting = 0;
        for (long v : p.genesis()) {
            Replica r = nodes[(int) v].replica(g);
            if (r != null ? !r.status().rejoining() : p.replicas().contains(v)) {
                voting++;
            }
        }
        return voting <= p.genesis().size() / 2;
    }

    /**
     * Whether no leader can make the partition converge and that is no failure: {@link #stranded}. A
     * group that can elect no first leader ({@link #unelectable}) is a failure; so is a voter destroyed on
     * a removal whose commit no survivor kept (the survivor of a shrink from two voters to one restarted
     * below it and needed the destroyed vote), since the remover waits for the leader's durable commit
     * (docs/simulation.md, "partition-removal-forgotten").
     */
    boolean leaderless(long g, PartitionInfo p) {
        return stranded(g, p);
    }

    /**
     * Whether {@code node} keeps a replica of a {@link #leaderless} partition it is no longer assigned:
     * its removal cannot commit without a leader, so its remover rightly keeps it (counted, not a failure).
     */
    boolean keptOnStranded(long g, PartitionInfo p, long node) {
        return !p.replicas().contains(node) && nodes[(int) node].storesGroup(g) && leaderless(g, p);
    }

    /** How many replicas {@link #keptOnStranded} are left at the end. */
    long leftOnStranded() {
        long n = 0;
        for (Map.Entry<Long, PartitionInfo> e : expected().entrySet()) {
            for (long v = 1; v < nodes.length; v++) {
                if (keptOnStranded(e.getKey(), e.getValue(), v)) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * The first replica a node holds that no image assigns to it, described (its topic was deleted, or
     * the node left its replica set), unless it is kept on a stranded partition; null when none.
     */
    String firstUnassignedReplica(Map<Long, PartitionInfo> expected) {
        for (int v = 1; v < nodes.length; v++) {
            if (!nodes[v].isUp()) {
                continue;
            }
            for (long g : new TreeSet<>(nodes[v].engine().groupIds())) {
                if (!PartitionGroups.isPartition(g)) {
                    continue;
                }
                PartitionInfo p = expected.get(g);
                if (p == null) {
                    return "partition group " + g + " belongs to a deleted topic but node " + v + " still holds it: "
                            + describe(nodes[v].replica(g));
                }
                if (!p.replicas().contains((long) v) && !leaderless(g, p)) {
                    return "partition group " + g + " (topic " + p.topicId() + "/" + p.partition() + ", replicas "
                            + p.replicas() + ") is still held by unassigned node " + v + ": "
                            + describe(nodes[v].replica(g));
                }
            }
        }
        return null;
    }

    private static String describe(Replica r) {
        return r == null ? "stored, not running" : r.status().toString();
    }

    /** The first partition group that has not settled, described; null when all have. */
    String firstUnsettled() {
        TreeMap<Long, PartitionInfo> expected = expected();
        for (Map.Entry<Long, PartitionInfo> e : expected.entrySet()) {
            long g = e.getKey();
            PartitionInfo p = e.getValue();
            if (leaderless(g, p)) {
                continue;
            }
            String why = unelectable(g, p) ? "never elected a leader and cannot (partition-unelected): the genesis "
                    + "voters " + p.genesis() + " that can still vote are no majority" : unsettled(g, p);
            if (why != null) {
                StringBuilder sb = new StringBuilder("partition group " + g + " (topic " + p.topicId() + "/"
                        + p.partition() + ", replicas " + p.replicas() + ") " + why);
                for (long v : new TreeSet<>(union(p.replicas(), p.genesis()))) {
                    Replica r = nodes[(int) v].replica(g);
                    sb.append("\n  node ").append(v).append(nodes[(int) v].isUp() ? "" : " (down)").append(": ")
                            .append(r == null ? "no replica" : r.status());
                }
                return sb.toString();
            }
        }
        return firstUnassignedReplica(expected);
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

    private static java.util.List<Long> union(java.util.List<Long> a, java.util.List<Long> b) {
        java.util.List<Long> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Counts, once the partitions settled, those no leader can make converge (stranded). */
    void countLeaderless() {
        for (Map.Entry<Long, PartitionInfo> e : expected().entrySet()) {
            if (stranded(e.getKey(), e.getValue())) {
                stranded++;
            }
        }
    }

    /** Adds the partition groups' counts to a run's faults map: creations, writes, churn, membership steps, leaderless. */
    void countInto(Map<String, Long> faults, PartitionWriter writer, TopicChurn churn) {
        faults.put("partition-created", groups.createdPlain);
        faults.put("partition-created-rejoining", groups.createdRejoining);
        putPositive(faults, "partition-created-on-learner", groups.createdOnLearners);
        putPositive(faults, "partition-created-to-elect", groups.createdToElect);
        faults.put("partition-writes-acked", writer == null ? 0 : writer.acknowledged());
        faults.put("node-registrations", groups.registrations);
        putPositive(faults, "partition-create-refused", groups.refused);
        putPositive(faults, "partition-stranded", stranded);
        putPositive(faults, "partition-stranded-unassigned-kept", leftOnStranded());
        if (churn != null && churn.created() + churn.factorsChanged() > 0) {
            faults.put("churn-topic-created", churn.created());
            faults.put("churn-topic-deleted", churn.deleted());
            faults.put("churn-factor-changed", churn.factorsChanged());
        }
        groups.steps.forEach((k, v) -> faults.put("member-" + k, v));
        if (groups.destroyedDeleted + groups.destroyedRemoved > 0) {
            faults.put("member-destroyed-deleted", groups.destroyedDeleted);
            faults.put("member-destroyed-removed", groups.destroyedRemoved);
            faults.put("member-leader-asked", groups.leaderAsked);
            faults.put("member-removal-awaited-durable", groups.removalAwaitedDurable);
            putPositive(faults, "member-destroy-records-dropped", groups.destroyRecordsDropped);
        }
    }

    private static void putPositive(Map<String, Long> faults, String key, long n) {
        if (n > 0) {
            faults.put(key, n);
        }
    }
}
