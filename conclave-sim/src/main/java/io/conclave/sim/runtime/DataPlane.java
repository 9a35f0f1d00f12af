package io.conclave.sim.runtime;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.raft.Entry;
import io.conclave.raft.ReadMode;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.api.ClientApi;
import io.conclave.server.node.ServingNode;
import io.conclave.server.partition.PartitionHost;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.Producing;
import io.conclave.server.replication.NodeReplication;
import io.conclave.server.replication.ReplicationManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The server's data plane on one incarnation of a simulated node: every group is a partition whose
 * state is a real {@link PartitionLog} (applied as {@code NodeStateMachine} applies partition
 * groups). Clients reach it through the server's own request handlers ({@link ClientApi}: produce through
 * {@link NodeReplication} and the real {@link Producing} over a {@link PartitionHost} backed by the
 * simulated runtime; fetch through the real {@code PartitionReader}), over a {@link ServingNode} of the
 * simulated node instead of gRPC. Lives and dies with its incarnation; runs only on the scheduler's thread.
 */
final class DataPlane {

    private final RuntimeNode node;
    private final Oracle oracle;
    private final Map<Long, PartitionLog> partitions = new HashMap<>();
    private final Producing producing;
    private final Machine machine = new Machine();
    private final Serving serving = new Serving();
    private final NodeReplication replication = new NodeReplication(serving);
    private final ClientApi api = new ClientApi(serving);
    private long producerIdsIssued;

    DataPlane(RuntimeNode node, Oracle oracle) {
        this.node = node;
        this.oracle = oracle;
        this.producing = new Producing(new Host());
    }

    /** The server's client request handlers on this incarnation (produce, fetch, metadata), as the gRPC service calls them. */
    ClientApi api() {
        return api;
    }

    StateMachine machine() {
        return machine;
    }

    Producing producing() {
        return producing;
    }

    PartitionLog partition(long groupId) {
        return partitions.computeIfAbsent(groupId, g -> new PartitionLog(g, producing::onFenced));
    }

    /** The group's Raft log on this node, or null when it is not hosted here. */
    RaftStorage log(long groupId) {
        return node.engine() == null ? null : node.engine().group(groupId);
    }

    /** Applies partition groups into their logs; partitions take no snapshots (their log is their data). */
    private final class Machine implements StateMachine {
        @Override
        public void apply(long groupId, List<Entry> entries) {
            for (Entry e : entries) {
                oracle.onApplied(node.id(), groupId, e);
            }
            partition(groupId).apply(entries);
        }

        @Override
        public byte[] snapshot(long groupId) {
            return null;
        }

        /** The partition's replica was destroyed here: its log and sequencer go, as {@code NodeStateMachine} does. */
        @Override
        public void forget(long groupId) {
            PartitionLog p = partitions.remove(groupId);
            if (p != null) {
                p.wakeWaiters();
            }
            producing.forget(groupId);
        }

        @Override
        public void restore(long groupId, byte[] data) {
            throw new IllegalStateException("partition group " + groupId + " takes no snapshots, yet one was restored");
        }
    }

    /**
     * The node as the request handlers see it: the simulated runtime's replicas, the scheduler's thread
     * for the fetch readers, the simulated wall clock. The node's request timeout is the client's deadline
     * here: the workload gives up on an operation itself ({@code unknown}) rather than through a timer of
     * the JVM, which would run off the scheduler's thread and outside virtual time.
     */
    private final class Serving implements ServingNode {
        @Override
        public long nodeId() {
            return node.id();
        }

        @Override
        public String clusterId() {
            return "simulated";
        }

        @Override
        public ClusterImage image() {
            return node.servingImage();
        }

        @Override
        public Producing producing() {
            return producing;
        }

        @Override
        public ReplicationManager replication() {
            return replication;
        }

        @Override
        public boolean hostsGroup(long groupId) {
            return log(groupId) != null;
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            return DataPlane.this.leaderOf(groupId);
        }

        @Override
        public CompletableFuture<Long> read(long groupId, ReadMode mode) {
            return orDown(node.read(groupId, mode));
        }

        @Override
        public CompletableFuture<GroupStatus> status(long groupId) {
            Replica r = node.replica(groupId);
            return r == null ? unknownGroup(groupId) : CompletableFuture.completedFuture(r.status());
        }

        @Override
        public CompletableFuture<GroupStatus.WithProgress> statusWithProgress(long groupId) {
            Replica r = node.replica(groupId);
            return r == null ? unknownGroup(groupId)
                    : CompletableFuture.completedFuture(new GroupStatus.WithProgress(r.status(), r.raft().status()));
        }

        @Override
        public PartitionLog partition(long groupId) {
            return DataPlane.this.partition(groupId);
        }

        @Override
        public RaftStorage raftLog(long groupId) {
            return log(groupId);
        }

        @Override
        public CompletableFuture<ClusterImage> executeOnController(
                Function<ClusterImage, ControllerResult<MetadataError>> op) {
            return CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.INVALID_REQUEST,
                    "the data workload's simulated cluster has no controller group"));
        }

        @Override
        public Executor readers() {
            return Runnable::run;
        }

        @Override
        public <T> CompletableFuture<T> withinRequestTimeout(CompletableFuture<T> f) {
            return f;
        }

        @Override
        public <T> CompletableFuture<T> completeAfter(CompletableFuture<T> f, T value, long ms) {
            node.scheduler().after(ms * 1_000_000L, () -> f.complete(value));
            return f;
        }

        @Override
        public long wallClockMs() {
            return node.clock().wallMs();
        }

        @Override
        public long newProducerId() {
            return (node.id() << 40) | ++producerIdsIssued;
        }

        private <T> CompletableFuture<T> unknownGroup(long groupId) {
            return CompletableFuture.failedFuture(new RequestFailedException(RequestFailedException.Reason.UNKNOWN_GROUP,
                    "node " + node.id() + " hosts no replica of group " + groupId));
        }
    }

    /** The leader of {@code groupId} as this node's replica knows it; none when the node hosts no replica. */
    private LeaderTable.Leader leaderOf(long groupId) {
        Replica r = node.replica(groupId);
        return r == null ? LeaderTable.Leader.NONE : new LeaderTable.Leader(r.raft().getLeader(), r.raft().term());
    }

    private CompletableFuture<Long> orDown(CompletableFuture<Long> f) {
        return f != null ? f : CompletableFuture.failedFuture(new RequestFailedException(
                RequestFailedException.Reason.CLOSED, "node " + node.id() + " is down"));
    }

    /** The node as the data plane sees it: the simulated runtime's replicas and the simulated clock. */
    private final class Host implements PartitionHost {
        @Override
        public long nodeId() {
            return node.id();
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            return DataPlane.this.leaderOf(groupId);
        }

        @Override
        public CompletableFuture<Long> propose(long groupId, byte[] data) {
            return orDown(node.propose(groupId, data));
        }

        @Override
        public CompletableFuture<Long> proposeAppended(long groupId, byte[] data) {
            return orDown(node.proposeAppended(groupId, data));
        }

        @Override
        public PartitionLog partition(long groupId) {
            return DataPlane.this.partition(groupId);
        }

        @Override
        public RaftStorage log(long groupId) {
            return DataPlane.this.log(groupId);
        }

        @Override
        public long nowMs() {
            return node.clock().wallMs();
        }

    }
}
