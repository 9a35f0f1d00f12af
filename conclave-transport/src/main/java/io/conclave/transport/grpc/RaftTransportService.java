package io.conclave.transport.grpc;

import io.conclave.transport.Lane;
import io.conclave.transport.proto.RaftWire;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * The node-to-node gRPC service, declared by hand (the grpc-java codegen plugin is not available):
 * a unary {@code Handshake} that opens every connection, and one bidirectional stream per lane
 * ({@code PriorityStream}, {@code BulkStream}, {@code SnapshotStream}) on which the client sends
 * {@code RaftBatch} frames and the server answers one {@code StreamSummary} when the client
 * half-closes.
 */
final class RaftTransportService {

    static final String SERVICE_NAME = "conclave.transport.v1.RaftTransport";

    static final MethodDescriptor<RaftWire.HandshakeRequest, RaftWire.HandshakeResponse> HANDSHAKE =
            MethodDescriptor.<RaftWire.HandshakeRequest, RaftWire.HandshakeResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Handshake"))
                    .setRequestMarshaller(ProtoUtils.marshaller(RaftWire.HandshakeRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(RaftWire.HandshakeResponse.getDefaultInstance()))
                    .setIdempotent(true)
                    .build();

    static final MethodDescriptor<RaftWire.RaftBatch, RaftWire.StreamSummary> PRIORITY_STREAM = stream("PriorityStream");
    static final MethodDescriptor<RaftWire.RaftBatch, RaftWire.StreamSummary> BULK_STREAM = stream("BulkStream");
    static final MethodDescriptor<RaftWire.RaftBatch, RaftWire.StreamSummary> SNAPSHOT_STREAM = stream("SnapshotStream");

    /** What the server does with each call. */
    interface Handler {

        RaftWire.HandshakeResponse handshake(RaftWire.HandshakeRequest request);

        StreamObserver<RaftWire.RaftBatch> openLane(Lane lane, StreamObserver<RaftWire.StreamSummary> summary);
    }

    private RaftTransportService() {
    }

    static MethodDescriptor<RaftWire.RaftBatch, RaftWire.StreamSummary> method(Lane lane) {
        switch (lane) {
            case PRIORITY:
                return PRIORITY_STREAM;
            case BULK:
                return BULK_STREAM;
            default:
                return SNAPSHOT_STREAM;
        }
    }

    static ServerServiceDefinition bind(Handler handler) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(SERVICE_NAME)
                .addMethod(HANDSHAKE, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(handler.handshake(request));
                    response.onCompleted();
                }));
        for (Lane lane : Lane.values()) {
            b.addMethod(method(lane), ServerCalls.asyncBidiStreamingCall(out -> handler.openLane(lane, out)));
        }
        return b.build();
    }

    private static MethodDescriptor<RaftWire.RaftBatch, RaftWire.StreamSummary> stream(String name) {
        return MethodDescriptor.<RaftWire.RaftBatch, RaftWire.StreamSummary>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
                .setRequestMarshaller(new AliasingMarshaller<>(RaftWire.RaftBatch.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(RaftWire.StreamSummary.getDefaultInstance()))
                .build();
    }
}
