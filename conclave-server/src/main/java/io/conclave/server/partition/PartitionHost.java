package io.conclave.server.partition;

import io.conclave.multiraft.node.LeaderTable;
import io.conclave.raft.storage.RaftStorage;
import java.util.concurrent.CompletableFuture;

/**
 * What the data plane needs from the node it runs on: the runtime's proposals and leader table,
 * the partitions' applied state and their Raft logs. A {@code ConclaveNode} provides it over its
 * real runtime; the simulator provides it over a simulated one — the produce and fetch logic is
 * the same code in both.
 */
public interface PartitionHost {

    long nodeId();

    LeaderTable.Leader leaderOf(long groupId);

    /** Completes with the entry's index once it is committed and applied on this node. */
    CompletableFuture<Long> propose(long groupId, byte[] data);

    /** Completes with the entry's index once the leader (this node) has appended it. */
    CompletableFuture<Long> proposeAppended(long groupId, byte[] data);

    PartitionLog partition(long groupId);

    /** The group's Raft log on this node (its committed entries hold the partition's records). */
    RaftStorage log(long groupId);

    /** The leader's timestamp for a batch. */
    long nowMs();
}
