package io.conclave.server.api;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.AlterTopicConfigRequest;
import io.conclave.api.proto.AlterTopicConfigResponse;
import io.conclave.api.proto.ClusterStatusRequest;
import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.CreateTopicRequest;
import io.conclave.api.proto.CreateTopicResponse;
import io.conclave.api.proto.DeleteTopicRequest;
import io.conclave.api.proto.DeleteTopicResponse;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.JoinRequest;
import io.conclave.api.proto.JoinResponse;
import io.conclave.api.proto.NodeStatus;
import io.conclave.api.proto.ReplicaDigestRequest;
import io.conclave.api.proto.ReplicaDigestResponse;
import io.conclave.api.proto.ReplicaStatus;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.api.proto.SetReplicationFactorResponse;
import io.conclave.api.proto.TransferLeaderRequest;
import io.conclave.api.proto.TransferLeaderResponse;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.node.Errors;
import io.conclave.server.node.NodeStateMachine;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.replication.ReplicationManager;
import io.conclave.transport.TransportStats;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code AdminService} on a node. Metadata changes run on the controller leader ({@code
 * NOT_CONTROLLER} with the leader's id elsewhere); status calls answer from this node's view.
 */
public final class AdminApi implements ConclaveGrpc.AdminHandler {

    private final ConclaveNode node;

    public AdminApi(ConclaveNode node) {
        this.node = node;
    }

    @Override
    public void createTopic(CreateTopicRequest req, StreamObserver<CreateTopicResponse> response) {
        answer(response, () -> node.controllerOps().execute(img -> TopicHandlers.createTopic(img, req.getName(),
                        req.getPartitions(), req.getReplicationFactor(), req.getConfigMap()))
                .thenApply(img -> CreateTopicResponse.newBuilder().setTopic(Lookup.topicMetadata(node, img,
                        Lookup.topic(img, req.getName()))).build()));
    }

    @Override
    public void deleteTopic(DeleteTopicRequest req, StreamObserver<DeleteTopicResponse> response) {
        answer(response, () -> node.controllerOps().execute(img -> TopicHandlers.deleteTopic(img, req.getName()))
                .thenApply(img -> DeleteTopicResponse.getDefaultInstance()));
    }

    @Override
    public void setReplicationFactor(SetReplicationFactorRequest req, StreamObserver<SetReplicationFactorResponse> response) {
        answer(response, () -> node.replication().setReplicationFactor(req.getTopic(), req.getReplicationFactor())
                .thenApply(t -> SetReplicationFactorResponse.newBuilder().setTopic(Lookup.topicMetadata(node,
                        node.image(), t)).build()));
    }

    @Override
    public void alterTopicConfig(AlterTopicConfigRequest req, StreamObserver<AlterTopicConfigResponse> response) {
        answer(response, () -> node.controllerOps().execute(img -> TopicHandlers.alterTopicConfig(img, req.getTopic(),
                        req.getSetMap(), req.getExpectedMap()))
                .thenApply(img -> AlterTopicConfigResponse.newBuilder().setTopic(Lookup.topicMetadata(node, img,
                        Lookup.topic(img, req.getTopic()))).build()));
    }

    @Override
    public void replicationStatus(ReplicationStatusRequest req, StreamObserver<ReplicationStatusResponse> response) {
        answer(response, () -> node.replication().getReplicationStatus(req.getTopic(), req.getPartition()).thenApply(st -> {
            ReplicationStatusResponse.Builder b = ReplicationStatusResponse.newBuilder().setLeader(st.leader())
                    .setTerm(st.term()).setCommitIndex(st.commitIndex()).setDurableCommitIndex(st.durableCommitIndex())
                    .setMembershipIndex(st.membershipIndex());
            for (ReplicationManager.ReplicaProgress r : st.replicas()) {
                b.addReplicas(ReplicaStatus.newBuilder().setNodeId(r.nodeId()).setMatchIndex(r.matchIndex())
                        .setVoter(r.voter()).setLagEntries(r.lagEntries()));
            }
            return b.build();
        }));
    }

    @Override
    public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> response) {
        answer(response, () -> {
            ClusterImage img = node.image();
            TransportStats ts = node.transport().stats();
            Map<Long, Integer> replicas = new HashMap<>();
            Map<Long, Integer> leaders = new HashMap<>();
            int partitions = 0;
            for (List<PartitionInfo> ps : img.partitionsByTopic().values()) {
                for (PartitionInfo p : ps) {
                    partitions++;
                    p.replicas().forEach(r -> replicas.merge(r, 1, Integer::sum));
                    long l = node.runtime().leaderOf(p.groupId()).node();
                    if (l != 0) {
                        leaders.merge(l, 1, Integer::sum);
                    }
                }
            }
            ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder().setClusterId(node.clusterId())
                    .setControllerLeader(node.runtime().leaderOf(NodeStateMachine.CONTROLLER_GROUP).node())
                    .setTopics(img.topics().size()).setPartitions(partitions);
            for (NodeInfo n : img.nodes().values()) {
                boolean alive = n.nodeId() == node.nodeId() ? node.isReady()
                        : ts.peers().containsKey(n.nodeId()) && !ts.unreachablePeers().contains(n.nodeId());
                b.addNodes(NodeStatus.newBuilder().setNode(Lookup.node(n)).setAlive(alive)
                        .setReplicas(replicas.getOrDefault(n.nodeId(), 0)).setLeaders(leaders.getOrDefault(n.nodeId(), 0)));
            }
            return CompletableFuture.completedFuture(b.build());
        });
    }

    @Override
    public void join(JoinRequest req, StreamObserver<JoinResponse> response) {
        answer(response, () -> node.join(req));
    }

    @Override
    public void replicaDigest(ReplicaDigestRequest req, StreamObserver<ReplicaDigestResponse> response) {
        answer(response, () -> {
            ClusterImage img = node.image();
            TopicInfo t = Lookup.topic(img, req.getTopic());
            PartitionInfo p = Lookup.partition(img, t, req.getPartition());
            if (!node.runtime().hostsGroup(p.groupId())) {
                throw ApiErrors.error(ErrorCode.UNKNOWN_PARTITION, "node " + node.nodeId() + " has no replica of "
                        + t.name() + "/" + p.partition());
            }
            PartitionLog log = node.stateMachine().partition(p.groupId());
            return CompletableFuture.completedFuture(ReplicaDigestResponse.newBuilder().setNodeId(node.nodeId())
                    .setNextOffset(log.nextOffset()).setDigest(log.digest()).setAppliedIndex(log.appliedIndex()).build());
        });
    }

    @Override
    public void transferLeader(TransferLeaderRequest req, StreamObserver<TransferLeaderResponse> response) {
        answer(response, () -> {
            ClusterImage img = node.image();
            PartitionInfo p = Lookup.partition(img, Lookup.topic(img, req.getTopic()), req.getPartition());
            if (!p.replicas().contains(req.getToNode())) {
                throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "node " + req.getToNode() + " has no replica of "
                        + req.getTopic() + "/" + req.getPartition());
            }
            return node.runtime().transferLeadership(p.groupId(), req.getToNode())
                    .thenApply(x -> TransferLeaderResponse.getDefaultInstance());
        });
    }

    /** Runs {@code call}, answering with its result or its error as a status, within the request timeout. */
    private <T> void answer(StreamObserver<T> response, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            response.onError(Errors.toStatus(e));
            return;
        }
        f.orTimeout(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS).whenComplete((v, err) -> {
            if (err != null) {
                response.onError(Errors.toStatus(err));
            } else {
                response.onNext(v);
                response.onCompleted();
            }
        });
    }
}
