package io.conclave.api;

import com.google.protobuf.Message;
import io.conclave.api.proto.ClusterStatusRequest;
import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.CreateTopicRequest;
import io.conclave.api.proto.CreateTopicResponse;
import io.conclave.api.proto.DeleteTopicRequest;
import io.conclave.api.proto.DeleteTopicResponse;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.InitProducerRequest;
import io.conclave.api.proto.InitProducerResponse;
import io.conclave.api.proto.JoinRequest;
import io.conclave.api.proto.JoinResponse;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.ReplicaDigestRequest;
import io.conclave.api.proto.ReplicaDigestResponse;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.api.proto.AlterTopicConfigRequest;
import io.conclave.api.proto.AlterTopicConfigResponse;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.api.proto.SetReplicationFactorResponse;
import io.conclave.api.proto.TransferLeaderRequest;
import io.conclave.api.proto.TransferLeaderResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * The two client-facing gRPC services of a node, declared by hand (the grpc-java code generator is
 * not available here): {@code ClientService} (Produce, Fetch, Metadata, InitProducer) and
 * {@code AdminService} (topics, cluster status, replication, join). Every method is unary.
 * Servers implement {@link ClientHandler} and {@link AdminHandler} and {@link #bindClient bind}
 * them; clients call the descriptors through {@link io.grpc.stub.ClientCalls}.
 */
public final class ConclaveGrpc {

    public static final String CLIENT_SERVICE = "conclave.api.v1.ClientService";
    public static final String ADMIN_SERVICE = "conclave.api.v1.AdminService";

    public static final MethodDescriptor<ProduceRequest, ProduceResponse> PRODUCE =
            unary(CLIENT_SERVICE, "Produce", ProduceRequest.getDefaultInstance(), ProduceResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<FetchRequest, FetchResponse> FETCH =
            unary(CLIENT_SERVICE, "Fetch", FetchRequest.getDefaultInstance(), FetchResponse.getDefaultInstance(), true);
    public static final MethodDescriptor<MetadataRequest, MetadataResponse> METADATA =
            unary(CLIENT_SERVICE, "Metadata", MetadataRequest.getDefaultInstance(), MetadataResponse.getDefaultInstance(), true);
    public static final MethodDescriptor<InitProducerRequest, InitProducerResponse> INIT_PRODUCER =
            unary(CLIENT_SERVICE, "InitProducer", InitProducerRequest.getDefaultInstance(),
                    InitProducerResponse.getDefaultInstance(), false);

    public static final MethodDescriptor<CreateTopicRequest, CreateTopicResponse> CREATE_TOPIC =
            unary(ADMIN_SERVICE, "CreateTopic", CreateTopicRequest.getDefaultInstance(),
                    CreateTopicResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<DeleteTopicRequest, DeleteTopicResponse> DELETE_TOPIC =
            unary(ADMIN_SERVICE, "DeleteTopic", DeleteTopicRequest.getDefaultInstance(),
                    DeleteTopicResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<SetReplicationFactorRequest, SetReplicationFactorResponse> SET_REPLICATION_FACTOR =
            unary(ADMIN_SERVICE, "SetReplicationFactor", SetReplicationFactorRequest.getDefaultInstance(),
                    SetReplicationFactorResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<AlterTopicConfigRequest, AlterTopicConfigResponse> ALTER_TOPIC_CONFIG =
            unary(ADMIN_SERVICE, "AlterTopicConfig", AlterTopicConfigRequest.getDefaultInstance(),
                    AlterTopicConfigResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<ReplicationStatusRequest, ReplicationStatusResponse> REPLICATION_STATUS =
            unary(ADMIN_SERVICE, "ReplicationStatus", ReplicationStatusRequest.getDefaultInstance(),
                    ReplicationStatusResponse.getDefaultInstance(), true);
    public static final MethodDescriptor<ClusterStatusRequest, ClusterStatusResponse> CLUSTER_STATUS =
            unary(ADMIN_SERVICE, "ClusterStatus", ClusterStatusRequest.getDefaultInstance(),
                    ClusterStatusResponse.getDefaultInstance(), true);
    public static final MethodDescriptor<JoinRequest, JoinResponse> JOIN =
            unary(ADMIN_SERVICE, "Join", JoinRequest.getDefaultInstance(), JoinResponse.getDefaultInstance(), false);
    public static final MethodDescriptor<ReplicaDigestRequest, ReplicaDigestResponse> REPLICA_DIGEST =
            unary(ADMIN_SERVICE, "ReplicaDigest", ReplicaDigestRequest.getDefaultInstance(),
                    ReplicaDigestResponse.getDefaultInstance(), true);
    public static final MethodDescriptor<TransferLeaderRequest, TransferLeaderResponse> TRANSFER_LEADER =
            unary(ADMIN_SERVICE, "TransferLeader", TransferLeaderRequest.getDefaultInstance(),
                    TransferLeaderResponse.getDefaultInstance(), false);

    /** The node side of {@code ClientService}. Each method answers exactly once, on any thread. */
    public interface ClientHandler {
        void produce(ProduceRequest request, StreamObserver<ProduceResponse> response);

        void fetch(FetchRequest request, StreamObserver<FetchResponse> response);

        void metadata(MetadataRequest request, StreamObserver<MetadataResponse> response);

        void initProducer(InitProducerRequest request, StreamObserver<InitProducerResponse> response);
    }

    /** The node side of {@code AdminService}. Each method answers exactly once, on any thread. */
    public interface AdminHandler {
        void createTopic(CreateTopicRequest request, StreamObserver<CreateTopicResponse> response);

        void deleteTopic(DeleteTopicRequest request, StreamObserver<DeleteTopicResponse> response);

        void setReplicationFactor(SetReplicationFactorRequest request, StreamObserver<SetReplicationFactorResponse> response);

        void alterTopicConfig(AlterTopicConfigRequest request, StreamObserver<AlterTopicConfigResponse> response);

        void replicationStatus(ReplicationStatusRequest request, StreamObserver<ReplicationStatusResponse> response);

        void clusterStatus(ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> response);

        void join(JoinRequest request, StreamObserver<JoinResponse> response);

        void replicaDigest(ReplicaDigestRequest request, StreamObserver<ReplicaDigestResponse> response);

        void transferLeader(TransferLeaderRequest request, StreamObserver<TransferLeaderResponse> response);
    }

    private ConclaveGrpc() {
    }

    public static ServerServiceDefinition bindClient(ClientHandler h) {
        return ServerServiceDefinition.builder(CLIENT_SERVICE)
                .addMethod(PRODUCE, ServerCalls.asyncUnaryCall(h::produce))
                .addMethod(FETCH, ServerCalls.asyncUnaryCall(h::fetch))
                .addMethod(METADATA, ServerCalls.asyncUnaryCall(h::metadata))
                .addMethod(INIT_PRODUCER, ServerCalls.asyncUnaryCall(h::initProducer))
                .build();
    }

    public static ServerServiceDefinition bindAdmin(AdminHandler h) {
        return ServerServiceDefinition.builder(ADMIN_SERVICE)
                .addMethod(CREATE_TOPIC, ServerCalls.asyncUnaryCall(h::createTopic))
                .addMethod(DELETE_TOPIC, ServerCalls.asyncUnaryCall(h::deleteTopic))
                .addMethod(SET_REPLICATION_FACTOR, ServerCalls.asyncUnaryCall(h::setReplicationFactor))
                .addMethod(ALTER_TOPIC_CONFIG, ServerCalls.asyncUnaryCall(h::alterTopicConfig))
                .addMethod(REPLICATION_STATUS, ServerCalls.asyncUnaryCall(h::replicationStatus))
                .addMethod(CLUSTER_STATUS, ServerCalls.asyncUnaryCall(h::clusterStatus))
                .addMethod(JOIN, ServerCalls.asyncUnaryCall(h::join))
                .addMethod(REPLICA_DIGEST, ServerCalls.asyncUnaryCall(h::replicaDigest))
                .addMethod(TRANSFER_LEADER, ServerCalls.asyncUnaryCall(h::transferLeader))
                .build();
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
            String service, String name, Q request, R response, boolean idempotent) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .setIdempotent(idempotent)
                .build();
    }
}
