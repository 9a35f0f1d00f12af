package io.conclave.sim.runtime;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.replica.Replica;
import io.conclave.raft.Entry;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.partition.PartitionHost;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.Producing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The server's data plane on one incarnation of a simulated node: every group is a partition whose
 * state is a real {@link PartitionLog} (applied as {@code NodeStateMachine} applies partition
 * groups), produce goes through the real {@link Producing} over a {@link PartitionHost} backed by
 * the simulated runtime, and reads use the real {@code PartitionReader}. Lives and dies with its
 * incarnation; runs only on the scheduler's thread.
 */
final class DataPlane {

    private final RuntimeNode node;
    private final Oracle oracle;
    private final Map<Long, PartitionLog> partitions = new HashMap<>();
    private final Producing producing;
    private final Machine machine = new Machine();

    DataPlane(RuntimeNode node, Oracle oracle) {
        this.node = node;
        this.oracle = oracle;
        this.producing = new Producing(new Host());
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

    /** The node as the data plane sees it: the simulated runtime's replicas and the simulated clock. */
    private final class Host implements PartitionHost {
        @Override
        public long nodeId() {
            return node.id();
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            Replica r = node.replica(groupId);
            if (r == null) {
                return LeaderTable.Leader.NONE;
            }
            return new LeaderTable.Leader(r.raft().getLeader(), r.raft().term());
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

        private CompletableFuture<Long> orDown(CompletableFuture<Long> f) {
            return f != null ? f : CompletableFuture.failedFuture(new io.conclave.multiraft.node.RequestFailedException(
                    io.conclave.multiraft.node.RequestFailedException.Reason.CLOSED, "node " + node.id() + " is down"));
        }
    }
}
