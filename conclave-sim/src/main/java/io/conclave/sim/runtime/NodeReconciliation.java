package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.server.node.ControllerOps;
import io.conclave.server.node.LostReplicaCheck;
import io.conclave.server.node.Reconciler;
import io.conclave.server.partition.PartitionLog;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.Network;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server's reconciler ({@link Reconciler}, with the server's {@link LostReplicaCheck}) on one
 * incarnation of a simulated node of a metadata run: for every metadata group the node hosts (each is
 * a controller), a pass runs on the scheduler thread whenever that group's image changes and every
 * simulated second, as {@code ConclaveNode} runs it on its background thread, and creates through the
 * runtime the partition replicas the image assigns to the node ({@link RuntimeNode#createPartitionReplica});
 * then, as in ConclaveNode, the membership and removal passes ({@link PartitionMembership}) move the
 * groups this node leads towards their assigned replica sets and destroy the replicas no longer assigned.
 * Like {@code ConclaveNode.registerIfNeeded}, every {@link #REGISTER_NS} the node registers its current
 * incarnation with each controller whose image lacks it, through that controller's leader (skipped while
 * the network cuts the two apart). The loss check's pending flag is kept with the node's simulated disk
 * ({@link RuntimeNode#lossCheckPending}): a new disk (the first start, a wipe) starts it pending.
 * Lives and dies with its incarnation; scheduler thread only.
 */
final class NodeReconciliation {

    /** How often a pass runs without an image change (ConclaveNode: every second). */
    static final long PERIODIC_NS = 1_000_000_000L;
    /** How often the node checks its registration (ConclaveNode: every 100 ms). */
    static final long REGISTER_NS = 100_000_000L;

    /** What every node's reconciliation of a run shares. */
    static final class Shared {
        final Scheduler scheduler;
        final Trace trace;
        final Network network;
        final RuntimeNode[] nodes;
        final int metadataGroups;
        final PartitionGroups groups;
        /** The planted bug {@code skip-loss-check}: every directory is taken as settled, so a wiped node's replicas are created plain. */
        final boolean plantedSkipLossCheck;
        /** The planted bug {@code first-retention-only} (tests): a replica keeps the retention it was first given. */
        boolean plantedFirstRetentionOnly;
        /** The planted bug {@code early-removal}: unassigned replicas are destroyed before their removal commits. */
        final boolean plantedEarlyRemoval;
        /** The planted bug {@code undurable-removal}: removals acted on before the leader's durable commit covers them. */
        final boolean plantedUndurableRemoval;
        /**
         * The planted bug {@code assume-hosted} (the rule before the destruction record and the group-id mark):
         * the reconcilers take every partition as one the node's directory may have hosted, so a genesis
         * voter created after a replica-set change always rejoins.
         */
        boolean plantedAssumeHosted;
        /** The learners each metadata group keeps for good (the nodes that are none of its voters). */
        final java.util.function.LongFunction<java.util.Set<Long>> learnersOf;

        Shared(Scheduler scheduler, Trace trace, Network network, RuntimeNode[] nodes, int metadataGroups,
               PartitionGroups groups, boolean plantedSkipLossCheck, boolean plantedEarlyRemoval,
               boolean plantedUndurableRemoval, java.util.function.LongFunction<java.util.Set<Long>> learnersOf) {
            this.learnersOf = learnersOf;
            this.scheduler = scheduler;
            this.trace = trace;
            this.network = network;
            this.nodes = nodes;
            this.metadataGroups = metadataGroups;
            this.groups = groups;
            this.plantedSkipLossCheck = plantedSkipLossCheck;
            this.plantedEarlyRemoval = plantedEarlyRemoval;
            this.plantedUndurableRemoval = plantedUndurableRemoval;
        }
    }

    private final RuntimeNode node;
    private final MetadataPlane plane;
    private final long incarnation;
    private final Shared shared;
    private final TreeMap<Long, Reconciler> reconcilers = new TreeMap<>();
    private final TreeSet<Long> registering = new TreeSet<>();
    private boolean passQueued;

    NodeReconciliation(RuntimeNode node, MetadataPlane plane, long incarnation, Shared shared) {
        this.node = node;
        this.plane = plane;
        this.incarnation = incarnation;
        this.shared = shared;
        for (long m = 1; m <= shared.metadataGroups; m++) {
            long controller = m;
            LostReplicaCheck check = !shared.plantedSkipLossCheck && node.lossCheckPending(m)
                    ? LostReplicaCheck.pending(node.id(), plane.log(m), incarnation, this::schedulePass,
                            mark -> node.settleLossCheck(controller, mark))
                    : LostReplicaCheck.settled(node.id(), node.groupIdMark(m));
            PartitionMembership membership = new PartitionMembership(node, m, shared);
            reconcilers.put(m, new Reconciler(node.id(), new Replicas(m), () -> check,
                    List.of(membership::membershipPass, membership::removalPass)));
            plane.log(m).addListener(img -> schedulePass());
        }
    }

    /** Starts the periodic passes and registrations (call once the incarnation is the node's current one). */
    void start() {
        periodic(PERIODIC_NS, this::passNow);
        periodic(REGISTER_NS, this::registerIfNeeded);
        schedulePass();
    }

    private boolean alive() {
        return node.metadataPlane() == plane && node.incarnation() == incarnation;
    }

    private void periodic(long periodNs, Runnable what) {
        shared.scheduler.after(periodNs, () -> {
            if (alive()) {
                what.run();
                periodic(periodNs, what);
            }
        });
    }

    /** Queues one pass (coalesced), outside the agent step that applied the image. */
    private void schedulePass() {
        if (!passQueued) {
            passQueued = true;
            shared.scheduler.after(0, () -> {
                passQueued = false;
                passNow();
            });
        }
    }

    private void passNow() {
        if (!alive() || node.isPaused()) {
            return;
        }
        for (var e : reconcilers.entrySet()) {
            if (node.replica(e.getKey()) != null) {
                e.getValue().pass(plane.log(e.getKey()).image());
            }
        }
    }

    /** Registers this incarnation with every controller (metadata group) hosted here whose image lacks it. */
    private void registerIfNeeded() {
        if (node.isPaused()) {
            return;
        }
        for (long m : reconcilers.keySet()) {
            Replica own = node.replica(m);
            if (own == null || registering.contains(m)) {
                continue;
            }
            NodeInfo me = plane.log(m).image().nodes().get(node.id());
            long leader = own.raft().getLeader();
            if ((me != null && me.incarnation() == incarnation) || leader == 0) {
                continue;
            }
            if (leader != node.id() && (shared.network.isCut((int) node.id(), (int) leader)
                    || shared.network.isCut((int) leader, (int) node.id()))) {
                continue;
            }
            MetadataPlane at = shared.nodes[(int) leader].metadataPlane();
            if (at == null) {
                continue;
            }
            registering.add(m);
            long id = node.id();
            at.execute(m, img -> TopicHandlers.registerNode(img, id, incarnation, "sim-node-" + id,
                    9000 + (int) id, 10000 + (int) id, "rack-" + (id - 1) % 3)).thenAccept(r -> {
                        registering.remove(m);
                        if (r.kind() == ControllerOps.Kind.DONE) {
                            shared.groups.registrations++;
                            shared.trace.record(shared.scheduler.nowNs(), "node.register", id, m, incarnation, 0);
                        }
                    });
        }
    }

    /** A controller's view of this node's partition replicas: the runtime's groups at {@link PartitionGroups#runtimeId}. */
    private final class Replicas implements Reconciler.Replicas {
        private final long m;

        Replicas(long m) {
            this.m = m;
        }

        @Override
        public boolean hosts(long groupId) {
            return node.storesGroup(PartitionGroups.runtimeId(m, groupId));
        }

        @Override
        public void retention(long groupId, PartitionLog.Retention retention) {
            long rid = PartitionGroups.runtimeId(m, groupId);
            if (!shared.plantedFirstRetentionOnly || shared.groups.retentionMs(node.id(), rid) == null) {
                shared.groups.noteRetention(node.id(), rid, retention.ms());
            }
        }

        @Override
        public void create(PartitionInfo p, boolean rejoining) {
            long rid = PartitionGroups.runtimeId(m, p.groupId());
            if (node.createPartitionReplica(rid, new TreeSet<>(p.genesis()), p.genesis().get(0), rejoining)) {
                shared.groups.noteCreated(rid, p.genesis(), rejoining, onLearner());
                if (!p.replicas().contains(node.id())) {
                    shared.groups.createdToElect++;
                }
            } else {
                shared.groups.refused++;
            }
        }

        @Override
        public boolean destroyedHere(long groupId) {
            return shared.plantedAssumeHosted || node.destroyedGroups().contains(PartitionGroups.runtimeId(m, groupId));
        }

        @Override
        public java.util.Set<Long> destroyedRecords() {
            java.util.Set<Long> out = new TreeSet<>();
            for (long rid : node.destroyedGroups()) {
                if (PartitionGroups.isPartition(rid) && PartitionGroups.metadataGroupOf(rid) == m) {
                    out.add(PartitionGroups.imageGroupId(rid));
                }
            }
            return out;
        }

        @Override
        public void forgetDestroyed(java.util.Set<Long> groupIds) {
            java.util.Set<Long> rids = new TreeSet<>();
            groupIds.forEach(g -> rids.add(PartitionGroups.runtimeId(m, g)));
            if (node.forgetDestroyedGroups(rids)) {
                shared.groups.destroyRecordsDropped += rids.size();
            }
        }

        /** Whether this node is one of the learners controller {@code m} keeps for good (none of its voters). */
        private boolean onLearner() {
            return shared.learnersOf.apply(m).contains(node.id());
        }
    }

    /** The image of metadata group {@code m} on {@code node} (empty when it is down). */
    static ClusterImage imageOn(RuntimeNode node, long m) {
        MetadataPlane p = node.metadataPlane();
        return p == null || !node.isUp() ? ClusterImage.EMPTY : p.log(m).image();
    }
}
