package io.conclave.server.replication;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.KeyHash;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.raft.RaftStatus;
import io.conclave.server.api.Lookup;
import io.conclave.server.node.ServingNode;
import io.conclave.server.partition.PartitionCommand.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicationManager} on a node ({@link ServingNode}: the server's, or the simulator's): validates a write against the metadata image,
 * picks the partition, and hands the batch to the node's {@link io.conclave.server.partition.Producing}
 * (leader-stamped offsets, idempotence, the consistency level's acknowledgement); replication-factor
 * changes go to the controller; status comes from the partition's Raft progress. Every future is
 * bounded by the node's request timeout ({@code TIMEOUT} after it).
 */
public final class NodeReplication implements ReplicationManager {

    /** Records per batch. */
    public static final int BATCH_RECORDS_MAX = 100_000;
    /** Bytes per batch: below the Raft transport's largest frame (16 MiB), since one batch is one Raft entry. */
    public static final int BATCH_BYTES_MAX = 8 << 20;

    private final ServingNode node;

    public NodeReplication(ServingNode node) {
        this.node = node;
    }

    @Override
    public CompletableFuture<Appended> replicateMessage(String topic, int partition, StoredRecord record,
                                                        ConsistencyLevel level) {
        return replicateBatch(new Batch(topic, partition, List.of(record), level, 0, 0));
    }

    @Override
    public CompletableFuture<Appended> replicateBatch(Batch batch) {
        PartitionInfo p;
        try {
            p = place(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int count = batch.records().size();
        return bounded(node.producing().produce(p.groupId(), batch.producerId(), batch.sequence(), batch.records(),
                        batch.level() == ConsistencyLevel.EVENTUAL))
                .thenApply(r -> new Appended(p.partition(), r.baseOffset(), count, r.duplicate(), node.nodeId()));
    }

    /** Checks a batch against its topic's limits and finds its partition; throws the API error for bad input. */
    private PartitionInfo place(Batch batch) {
        ClusterImage img = node.image();
        TopicInfo topic = Lookup.topic(img, batch.topic());
        List<StoredRecord> records = batch.records();
        if (records.isEmpty()) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "a produce request needs at least one record");
        }
        if (records.size() > BATCH_RECORDS_MAX) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "a batch holds at most " + BATCH_RECORDS_MAX
                    + " records, this one " + records.size());
        }
        if (batch.producerId() < 0 || (batch.producerId() != 0 && batch.sequence() < 0)) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "producer_id must be >= 0 and sequence >= 0");
        }
        if (batch.level() == ConsistencyLevel.UNRECOGNIZED) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "unknown consistency level");
        }
        long recordBytesMax = Long.parseLong(topic.config().getOrDefault(TopicConfig.MAX_MESSAGE_BYTES,
                String.valueOf(1 << 20)));
        long total = 0;
        for (int i = 0; i < records.size(); i++) {
            int size = records.get(i).sizeBytes();
            if (size > recordBytesMax) {
                throw ApiErrors.error(ErrorCode.RECORD_TOO_LARGE, "record " + i + " is " + size + " bytes; topic '"
                        + topic.name() + "' allows " + recordBytesMax + " (" + TopicConfig.MAX_MESSAGE_BYTES + ")");
            }
            total += size;
        }
        if (total > BATCH_BYTES_MAX) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "a batch holds at most " + BATCH_BYTES_MAX
                    + " bytes, this one " + total);
        }
        PartitionInfo p = batch.partition() == BY_KEY ? byKey(img, topic, records.get(0))
                : Lookup.partition(img, topic, batch.partition());
        if (!node.hostsGroup(p.groupId())) {
            // This node knows no leader of a group it does not host: point at the preferred
            // replica, which hosts it and names the leader if it is not the leader itself.
            long hint = p.replicas().isEmpty() ? 0 : p.replicas().get(0);
            throw ApiErrors.error(hint == 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER, "node "
                    + node.nodeId() + " has no replica of " + topic.name() + "/" + p.partition(), hint);
        }
        return p;
    }

    private static PartitionInfo byKey(ClusterImage img, TopicInfo topic, StoredRecord first) {
        if (first.key() == null) {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST,
                    "partition -1 (by key) needs a keyed first record; give a partition for unkeyed records");
        }
        long h = KeyHash.of(first.key());
        return img.partitionForKey(topic.topicId(), h).orElseThrow(() -> ApiErrors.error(ErrorCode.UNKNOWN_PARTITION,
                "no active partition of '" + topic.name() + "' owns key hash " + Long.toUnsignedString(h)));
    }

    @Override
    public CompletableFuture<TopicInfo> setReplicationFactor(String topic, int replicationFactor) {
        try {
            return bounded(node.executeOnController(img -> TopicHandlers.setReplicationFactor(img, topic,
                    replicationFactor))).thenApply(img -> Lookup.topic(img, topic));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<ReplicationStatus> getReplicationStatus(String topic, int partition) {
        PartitionInfo p;
        try {
            ClusterImage img = node.image();
            p = Lookup.partition(img, Lookup.topic(img, topic), partition);
            long leader = node.leaderOf(p.groupId()).node();
            if (leader != node.nodeId()) {
                throw ApiErrors.error(leader == 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER,
                        "replication status is known to the partition's leader", leader);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return bounded(node.statusWithProgress(p.groupId())).thenApply(st -> status(topic, partition, p, st));
    }

    private static ReplicationStatus status(String topic, int partition, PartitionInfo p, GroupStatus.WithProgress both) {
        RaftStatus st = both.core();
        List<ReplicaProgress> replicas = new ArrayList<>();
        for (Map.Entry<Long, RaftStatus.PeerProgress> e : st.progress().entrySet()) {
            long match = e.getValue().match();
            replicas.add(new ReplicaProgress(e.getKey(), match, !e.getValue().learner(), Math.max(0, st.commit() - match)));
        }
        replicas.sort((a, b) -> Long.compare(a.nodeId(), b.nodeId()));
        return new ReplicationStatus(topic, partition, p.groupId(), st.leader(), st.term(), st.commit(), replicas,
                both.group().durableCommitIndex(), both.group().membershipIndex());
    }

    private <T> CompletableFuture<T> bounded(CompletableFuture<T> f) {
        return node.withinRequestTimeout(f);
    }
}
