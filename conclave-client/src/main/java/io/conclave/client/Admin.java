package io.conclave.client;

import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ClusterStatusRequest;
import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.CreateTopicRequest;
import io.conclave.api.proto.DeleteTopicRequest;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.ReplicaDigestRequest;
import io.conclave.api.proto.ReplicaDigestResponse;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.api.proto.AlterTopicConfigRequest;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.api.proto.TransferLeaderRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Topic and cluster operations. Each call goes to the controller leader named in the metadata (or any
 * node), follows a NOT_CONTROLLER / NOT_LEADER leader hint to the hinted node, and retries retriable
 * errors with backoff up to {@code retriesMax}. Blocking methods throw {@link ConclaveException};
 * the {@code ...Async} forms return futures. Answers are the API's protobuf messages. Thread-safe.
 */
public final class Admin {

    private final ConclaveClient client;

    Admin(ConclaveClient client) {
        this.client = client;
    }

    public CompletableFuture<TopicMetadata> createTopicAsync(String name, int partitions, int replicationFactor,
                                                             Map<String, String> config) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        CreateTopicRequest req = CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions)
                .setReplicationFactor(replicationFactor).putAllConfig(config).build();
        return RetryingCall.toCluster(client, ConclaveGrpc.CREATE_TOPIC, req)
                .thenCompose(r -> client.refreshMetadata().handle((m, t) -> r.getTopic()));
    }

    /** Creates a topic; {@code config} keys: retention.ms, retention.bytes, max.message.bytes. */
    public TopicMetadata createTopic(String name, int partitions, int replicationFactor, Map<String, String> config) {
        return join(createTopicAsync(name, partitions, replicationFactor, config));
    }

    public void deleteTopic(String name) {
        join(RetryingCall.toCluster(client, ConclaveGrpc.DELETE_TOPIC, DeleteTopicRequest.newBuilder().setName(name).build())
                .thenCompose(r -> client.refreshMetadata().handle((m, t) -> r)));
    }

    /** Names of all topics, from a fresh Metadata call. */
    public List<String> listTopics() {
        MetadataResponse r = join(RetryingCall.toCluster(client, ConclaveGrpc.METADATA, MetadataRequest.getDefaultInstance()));
        List<String> names = new ArrayList<>();
        for (TopicMetadata t : r.getTopicsList()) {
            names.add(t.getName());
        }
        names.sort(null);
        return names;
    }

    /** A topic's partitions, ranges, replicas and leaders; {@code UNKNOWN_TOPIC} when there is none. */
    public TopicMetadata describeTopic(String name) {
        MetadataResponse r = join(RetryingCall.toCluster(client, ConclaveGrpc.METADATA,
                MetadataRequest.newBuilder().addTopics(name).build()));
        for (TopicMetadata t : r.getTopicsList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new ConclaveException(ErrorCode.UNKNOWN_TOPIC, "no topic named '" + name + "'");
    }

    public TopicMetadata setReplicationFactor(String topic, int replicationFactor) {
        return join(RetryingCall.toCluster(client, ConclaveGrpc.SET_REPLICATION_FACTOR, SetReplicationFactorRequest
                .newBuilder().setTopic(topic).setReplicationFactor(replicationFactor).build())).getTopic();
    }

    /**
     * Sets configuration keys of a topic; with {@code expected} not empty, only if each of those keys
     * has that value now, else {@code CONFIG_MISMATCH} (re-read with {@link #describeTopic} and decide
     * again).
     */
    public TopicMetadata alterTopicConfig(String topic, Map<String, String> set, Map<String, String> expected) {
        return join(RetryingCall.toCluster(client, ConclaveGrpc.ALTER_TOPIC_CONFIG, AlterTopicConfigRequest
                .newBuilder().setTopic(topic).putAllSet(set).putAllExpected(expected).build())).getTopic();
    }

    public ClusterStatusResponse clusterStatus() {
        return join(RetryingCall.toCluster(client, ConclaveGrpc.CLUSTER_STATUS, ClusterStatusRequest.getDefaultInstance()));
    }

    public ReplicationStatusResponse replicationStatus(String topic, int partition) {
        return join(RetryingCall.toCluster(client, ConclaveGrpc.REPLICATION_STATUS,
                ReplicationStatusRequest.newBuilder().setTopic(topic).setPartition(partition).build()));
    }

    /** The digest of one replica, asked of that node itself (no rerouting). */
    public ReplicaDigestResponse replicaDigest(String topic, int partition, long nodeId) {
        return join(RetryingCall.toNode(client, ConclaveGrpc.REPLICA_DIGEST,
                ReplicaDigestRequest.newBuilder().setTopic(topic).setPartition(partition).build(), nodeId));
    }

    public void transferLeader(String topic, int partition, long toNode) {
        join(RetryingCall.toCluster(client, ConclaveGrpc.TRANSFER_LEADER,
                TransferLeaderRequest.newBuilder().setTopic(topic).setPartition(partition).setToNode(toNode).build())
                .thenCompose(r -> client.refreshMetadata().handle((m, t) -> r)));
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (RuntimeException e) {
            throw ConclaveException.from(e);
        }
    }
}
