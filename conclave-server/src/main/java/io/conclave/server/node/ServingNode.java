package io.conclave.server.node;

import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.raft.ReadMode;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.Producing;
import io.conclave.server.replication.ReplicationManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the request handlers ({@code ClientApi}, {@code AdminApi}'s lookups, {@code NodeReplication}) need of
 * the node they serve on. {@link ConclaveNode} is one, over its runtime, threads and wall clock; the
 * simulator provides another over its simulated runtime, scheduler and clocks, so the handlers run under it
 * unchanged (docs/simulation.md, "The request handlers under the simulator").
 *
 * <p>Time and randomness reach the handlers only through here ({@link #withinRequestTimeout},
 * {@link #completeAfter}, {@link #wallClockMs}, {@link #newProducerId}): a handler that took them from the
 * JVM would make the simulator's runs depend on the machine.
 */
public interface ServingNode {

    long nodeId();

    String clusterId();

    /** The metadata image this node has applied. */
    ClusterImage image();

    /** The data plane's produce path on this node. */
    Producing producing();

    /** The node-side face of produce and replication. */
    ReplicationManager replication();

    /** Whether this node hosts a replica of {@code groupId}. */
    boolean hostsGroup(long groupId);

    /** The leader this node knows of {@code groupId} ({@link LeaderTable.Leader#NONE} when none). */
    LeaderTable.Leader leaderOf(long groupId);

    /** A read barrier on the node's replica of {@code groupId}: the index to apply before reading. */
    CompletableFuture<Long> read(long groupId, ReadMode mode);

    CompletableFuture<GroupStatus> status(long groupId);

    CompletableFuture<GroupStatus.WithProgress> statusWithProgress(long groupId);

    /** The partition state of {@code groupId} on this node (its offsets and producers). */
    PartitionLog partition(long groupId);

    /** The Raft log of {@code groupId} on this node, or null when it hosts none. */
    RaftStorage raftLog(long groupId);

    /** Runs a metadata operation on the controller (through its leader); completes with the image after it. */
    CompletableFuture<ClusterImage> executeOnController(Function<ClusterImage, ControllerResult<MetadataError>> op);

    /** Where fetches read the logs: never an event loop or an applier. */
    Executor readers();

    /** {@code f}, failed with a {@link java.util.concurrent.TimeoutException} after the node's request timeout. */
    <T> CompletableFuture<T> withinRequestTimeout(CompletableFuture<T> f);

    /** {@code f}, completed with {@code value} after {@code ms} unless it completed before (a long poll's end). */
    <T> CompletableFuture<T> completeAfter(CompletableFuture<T> f, T value, long ms);

    /** The node's wall clock: the timestamp of a record that brings none. */
    long wallClockMs();

    /** A fresh producer id, above zero. */
    long newProducerId();
}
