package io.conclave.sim.runtime;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.replica.Replica;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.ImageCodec;
import io.conclave.raft.Entry;
import io.conclave.server.metadata.MetadataLog;
import io.conclave.server.node.ControllerOps;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.invariant.InvariantViolation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The controller's metadata path on one incarnation of a simulated node. Every group is a
 * controller-like group: its state is the server's real {@link MetadataLog} (the image replayed from
 * the log, snapshots through {@code ImageCodec}, as {@code NodeStateMachine} applies the controller
 * group), and changes run through the server's own {@link ControllerOps}, one per group — on the
 * group's leader only, one at a time, each a ReadIndex barrier, {@code MetadataChange.plan} against the
 * image, a proposal acknowledged once applied here, and {@code MetadataChange.refusedAtApply}; each step
 * waits at most the request timeout, after which the change answers TIMEOUT and the next one starts. Its
 * thread of changes is the scheduler (a step continues in an event of its own). Lives and dies with its
 * incarnation; the scheduler's thread only.
 */
final class MetadataPlane {

    /** Snapshots taken and restored, over every node and incarnation of a run. */
    static final class Stats {
        long snapshots;
        long restores;
    }

    /** A change's outcome; {@code leaderHint} names the leader when this node did not lead (0: unknown). */
    record Result(ControllerOps.Kind kind, ClusterImage image, MetadataError refusal, long leaderHint, String reason) {

        static Result notDone(String reason, long leaderHint) {
            return new Result(ControllerOps.Kind.NOT_DONE, null, null, leaderHint, reason);
        }
    }

    private final RuntimeNode node;
    private final Oracle oracle;
    private final Scheduler scheduler;
    private final Stats stats;
    private final long requestTimeoutNs;
    private final Map<Long, MetadataLog> logs = new HashMap<>();
    private final Map<Long, ControllerHost> controllers = new HashMap<>();
    private final Map<Long, long[]> partitions = new HashMap<>();
    private final Machine machine = new Machine();

    MetadataPlane(RuntimeNode node, Oracle oracle, Scheduler scheduler, Stats stats, long requestTimeoutNs) {
        this.node = node;
        this.oracle = oracle;
        this.scheduler = scheduler;
        this.stats = stats;
        this.requestTimeoutNs = requestTimeoutNs;
    }

    StateMachine machine() {
        return machine;
    }

    MetadataLog log(long groupId) {
        return logs.computeIfAbsent(groupId, g -> new MetadataLog());
    }

    /** Whether this plane is its node's current one (a crash or wipe ends it). */
    private boolean alive() {
        return node.metadataPlane() == this;
    }

    /**
     * Runs {@code op} as the controller of {@code groupId} would: refused at once unless this node
     * leads the group, else queued behind the group's earlier changes.
     */
    CompletableFuture<Result> execute(long groupId, Function<ClusterImage, ControllerResult<MetadataError>> op) {
        CompletableFuture<Result> out = new CompletableFuture<>();
        Replica r = alive() ? node.replica(groupId) : null;
        if (r == null) {
            out.complete(Result.notDone("node " + node.id() + " is down or hosts no replica", 0));
            return out;
        }
        long leader = r.raft().getLeader();
        if (leader != node.id()) {
            out.complete(Result.notDone("NOT_CONTROLLER: node " + node.id() + " does not lead group " + groupId,
                    leader));
            return out;
        }
        controllers.computeIfAbsent(groupId, ControllerHost::new).ops.submit(op).thenAccept(o ->
                out.complete(new Result(o.kind(), o.image(), o.refusal(), o.leaderHint(), o.reason())));
        return out;
    }

    /**
     * One group's changes, run by the server's own {@link ControllerOps} over this host: the group's
     * replica on this node, its {@link MetadataLog}, and the scheduler for the thread of changes (each step
     * continues in an event of its own, each wait bounded by the request timeout in virtual time).
     */
    private final class ControllerHost implements ControllerOps.Host {
        private final long groupId;
        private final ControllerOps ops;

        ControllerHost(long groupId) {
            this.groupId = groupId;
            this.ops = new ControllerOps(this);
        }

        @Override
        public long nodeId() {
            return node.id();
        }

        @Override
        public long leader() {
            Replica r = alive() ? node.replica(groupId) : null;
            return r == null ? 0 : r.raft().getLeader();
        }

        @Override
        public MetadataLog metadata() {
            return log(groupId);
        }

        @Override
        public CompletableFuture<Long> readBarrier() {
            return alive() ? node.read(groupId) : null;
        }

        @Override
        public CompletableFuture<Long> propose(byte[] batch) {
            return alive() ? node.propose(groupId, batch) : null;
        }

        @Override
        public boolean serving() {
            return alive();
        }

        @Override
        public void applied(long index) {
            oracle.onAcknowledged(groupId, index);
        }

        @Override
        public void execute(Runnable step) {
            scheduler.after(0, step);
        }

        @Override
        public void schedule(long delayNs, Runnable step) {
            scheduler.after(delayNs, step);
        }

        @Override
        public long requestTimeoutNs() {
            return requestTimeoutNs;
        }
    }

    /**
     * A partition group's applied state on this node ({@link PartitionGroups}): the last index applied
     * and a digest of every entry applied (term and data), or null when it applied nothing here.
     */
    List<Long> partitionState(long groupId) {
        long[] st = partitions.get(groupId);
        return st == null ? null : List.of(st[0], st[1]);
    }

    /**
     * Applies every metadata group into its {@link MetadataLog} (snapshots are the image through
     * {@code ImageCodec}) and every partition group ({@link PartitionGroups#isPartition}) into its
     * applied index and digest (snapshots are those two numbers).
     */
    private final class Machine implements StateMachine {
        @Override
        public void apply(long groupId, List<Entry> entries) {
            for (Entry e : entries) {
                oracle.onApplied(node.id(), groupId, e);
            }
            if (PartitionGroups.isPartition(groupId)) {
                long[] st = partitions.computeIfAbsent(groupId, g -> new long[2]);
                for (Entry e : entries) {
                    st[0] = e.index();
                    st[1] = st[1] * 31 + Oracle.fingerprint(e);
                }
                return;
            }
            log(groupId).apply(entries);
        }

        @Override
        public void forget(long groupId) {
            partitions.remove(groupId);
        }

        @Override
        public byte[] snapshot(long groupId) {
            if (PartitionGroups.isPartition(groupId)) {
                long[] st = partitions.getOrDefault(groupId, new long[2]);
                return java.nio.ByteBuffer.allocate(16).putLong(st[0]).putLong(st[1]).array();
            }
            MetadataLog log = log(groupId);
            byte[] data = log.snapshot();
            ClusterImage back = ImageCodec.decode(data);
            if (!back.equals(log.image())) {
                throw new InvariantViolation("metadata-snapshot-roundtrip", "node " + node.id() + " group " + groupId
                        + ": the image decoded from its snapshot differs from the image at offset "
                        + log.image().offset());
            }
            stats.snapshots++;
            return data;
        }

        @Override
        public void restore(long groupId, byte[] data) {
            if (PartitionGroups.isPartition(groupId)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
                partitions.put(groupId, new long[] {b.getLong(), b.getLong()});
                return;
            }
            stats.restores++;
            log(groupId).restore(data);
        }
    }
}
