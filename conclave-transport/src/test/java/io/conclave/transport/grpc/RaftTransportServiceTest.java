package io.conclave.transport.grpc;

import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.MessageType;
import io.conclave.transport.codec.MessageCodec;
import io.conclave.transport.proto.RaftWire;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-declared service as a plain gRPC client sees it, without GrpcTransport's client side. */
class RaftTransportServiceTest {

    private GrpcTransport server;
    private ManagedChannel channel;

    @AfterEach
    void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theHandshakeNamesTheNodeAndItsIncarnation() {
        start(4, 9);
        RaftWire.HandshakeResponse r = ClientCalls.blockingUnaryCall(channel, RaftTransportService.HANDSHAKE,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                RaftWire.HandshakeRequest.newBuilder().setFromNode(1).setToNode(4).build());
        assertThat(r.getNodeId()).isEqualTo(4);
        assertThat(r.getIncarnation()).isEqualTo(9);
    }

    @Test
    void aHalfClosedStreamIsAnsweredWithWhatItDelivered() throws Exception {
        RecordingHandler handler = start(4, 1);
        CompletableFuture<RaftWire.StreamSummary> summary = new CompletableFuture<>();
        StreamObserver<RaftWire.RaftBatch> stream = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RaftTransportService.BULK_STREAM, CallOptions.DEFAULT), observer(summary));

        stream.onNext(batch(4, 1, 2));
        stream.onNext(batch(4, 3));
        stream.onCompleted();

        RaftWire.StreamSummary s = summary.get(10, TimeUnit.SECONDS);
        assertThat(s.getBatchesReceived()).isEqualTo(2);
        assertThat(s.getMessagesReceived()).isEqualTo(3);
        assertThat(handler.from(1, MessageType.HEARTBEAT)).extracting(e -> ((Heartbeat) e.message()).round())
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void aFrameMeantForAnotherNodeIsDroppedAndCounted() throws Exception {
        RecordingHandler handler = start(4, 1);
        CompletableFuture<RaftWire.StreamSummary> summary = new CompletableFuture<>();
        StreamObserver<RaftWire.RaftBatch> stream = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RaftTransportService.PRIORITY_STREAM, CallOptions.DEFAULT), observer(summary));

        stream.onNext(batch(5, 1, 2));
        stream.onCompleted();

        assertThat(summary.get(10, TimeUnit.SECONDS).getMessagesReceived()).isZero();
        assertThat(handler.messages).isEmpty();
        server.addPeer(1, TestCluster.HOST, 1); // makes node 1's counters visible in the stats
        assertThat(server.stats().peer(1).messagesDropped()).isEqualTo(2);
    }

    private RecordingHandler start(long node, long incarnation) {
        server = GrpcTransport.start(node, incarnation, TestCluster.testConfig());
        RecordingHandler handler = new RecordingHandler();
        server.setInboundHandler(handler);
        channel = NettyChannelBuilder.forAddress(TestCluster.HOST, server.port()).usePlaintext().build();
        return handler;
    }

    /** A frame from node 1 to {@code toNode} with heartbeats of the given rounds. */
    private static RaftWire.RaftBatch batch(long toNode, long... rounds) {
        RaftWire.RaftBatch.Builder b = RaftWire.RaftBatch.newBuilder().setFromNode(1).setFromIncarnation(1)
                .setToNode(toNode);
        for (long r : rounds) {
            b.addMessages(MessageCodec.encode(1, new Heartbeat(1, toNode, 1, 0, r)));
        }
        return b.build();
    }

    private static StreamObserver<RaftWire.StreamSummary> observer(CompletableFuture<RaftWire.StreamSummary> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(RaftWire.StreamSummary s) {
                out.complete(s);
            }

            @Override
            public void onError(Throwable t) {
                out.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                out.completeExceptionally(new AssertionError("completed without a summary"));
            }
        };
    }
}
