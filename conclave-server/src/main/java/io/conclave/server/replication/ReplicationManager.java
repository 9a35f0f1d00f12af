package io.conclave.server.replication;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.partition.PartitionCommand.StoredRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node-side face of produce and replication (DESIGN §1, "replication"): a write to a
 * partition at a {@link ConsistencyLevel}, a change of a topic's replication factor, and where each
 * replica of a partition stands. The gRPC {@code ClientService.Produce} and the admin calls go
 * through it; so can anything embedding a node.
 *
 * <p>Every method validates its input before anything is proposed and fails its future with an
 * {@link io.conclave.api.ApiErrors API error} (a gRPC status with an {@code ErrorCode}) on bad input
 * or when this node cannot serve the call — {@code NOT_LEADER} carries the leader it knows of, so
 * a caller can go there. Futures complete on runtime threads; callers must not block in callbacks.
 */
public interface ReplicationManager {

    /** Partition {@value} means "choose by the first record's key hash". */
    int BY_KEY = -1;

    /**
     * One record, without idempotence. {@code partition} is an index or {@link #BY_KEY}.
     * {@code EVENTUAL} completes on the leader's append; {@code STRONG} and {@code LINEARIZABLE}
     * once a majority has it durably and it is applied here.
     */
    CompletableFuture<Appended> replicateMessage(String topic, int partition, StoredRecord record,
                                                 ConsistencyLevel level);

    /**
     * A batch, stored as one Raft entry at consecutive offsets, all or nothing. With a producer id
     * (not 0) the batch is deduplicated by {@code (producerId, sequence)}: a retry of a batch already
     * written answers with its first offset and {@code duplicate = true}.
     */
    CompletableFuture<Appended> replicateBatch(Batch batch);

    /**
     * Changes a live topic's replication factor through the controller: the metadata changes at
     * once, and each partition's leader then adds learners, promotes them once caught up, or
     * removes replicas (Raft membership changes). Completes with the topic as the controller wrote it.
     */
    CompletableFuture<TopicInfo> setReplicationFactor(String topic, int replicationFactor);

    /** Where every replica of a partition stands, from its leader's progress; only the leader answers. */
    CompletableFuture<ReplicationStatus> getReplicationStatus(String topic, int partition);

    /** A batch write. {@code producerId} 0 means not idempotent (then {@code sequence} is ignored). */
    record Batch(String topic, int partition, List<StoredRecord> records, ConsistencyLevel level, long producerId,
                 int sequence) {
        public Batch {
            records = List.copyOf(records);
        }
    }

    /** A write's outcome: the partition chosen, its first offset, and whether it was a retry of one already written. */
    record Appended(int partition, long baseOffset, int count, boolean duplicate, long leaderNode) {
    }

    /**
     * A partition's replication as its leader sees it; {@code durableCommitIndex} (the commit index its
     * storage confirmed durable) and {@code membershipIndex} (where the membership of {@code replicas}
     * took effect) come from the same turn of its loop as the rest.
     */
    record ReplicationStatus(String topic, int partition, long groupId, long leader, long term, long commitIndex,
                             List<ReplicaProgress> replicas, long durableCommitIndex, long membershipIndex) {
        public ReplicationStatus {
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * One replica: the highest log index the leader knows it holds, whether it votes, and how many
     * committed entries it still misses ({@code lagEntries}, 0 when caught up).
     */
    record ReplicaProgress(long nodeId, long matchIndex, boolean voter, long lagEntries) {
    }
}
