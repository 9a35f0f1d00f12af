package io.conclave.transport.grpc;

import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Lane;
import io.conclave.transport.codec.MessageCodec;
import io.conclave.transport.fault.FaultInjector;
import io.conclave.transport.proto.RaftWire;
import io.grpc.stub.StreamObserver;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The server side of one node: answers handshakes and turns each inbound frame into one call of
 * the {@link InboundHandler}, on the gRPC thread that delivered the frame: the network thread that
 * read it when {@code TransportConfig.inboundOnNetty} (the default; the handler must not block, or
 * it holds every connection that thread serves), else a pool thread per call. gRPC delivers a
 * call's frames one at a time and asks for the next only when the handler has returned, so with the
 * pool a slow handler pushes back on that lane of that peer alone.
 */
final class InboundService implements RaftTransportService.Handler {

    private static final System.Logger LOG = System.getLogger(InboundService.class.getName());

    private final long localNode;
    private final long localIncarnation;
    private final FaultInjector faults;
    private final LongFunction<PeerCounters> counters;
    private volatile InboundHandler handler;

    InboundService(long localNode, long localIncarnation, FaultInjector faults, LongFunction<PeerCounters> counters) {
        this.localNode = localNode;
        this.localIncarnation = localIncarnation;
        this.faults = faults;
        this.counters = counters;
    }

    void setHandler(InboundHandler h) {
        this.handler = h;
    }

    @Override
    public RaftWire.HandshakeResponse handshake(RaftWire.HandshakeRequest request) {
        return RaftWire.HandshakeResponse.newBuilder().setNodeId(localNode).setIncarnation(localIncarnation).build();
    }

    @Override
    public StreamObserver<RaftWire.RaftBatch> openLane(Lane lane, StreamObserver<RaftWire.StreamSummary> summary) {
        return new StreamObserver<>() {
            private long batches;
            private long messages;

            @Override
            public void onNext(RaftWire.RaftBatch batch) {
                batches++;
                messages += deliver(batch);
            }

            @Override
            public void onError(Throwable t) {
                LOG.log(Level.DEBUG, "inbound {0} stream ended: {1}", lane, t.toString());
            }

            @Override
            public void onCompleted() {
                summary.onNext(RaftWire.StreamSummary.newBuilder().setBatchesReceived(batches)
                        .setMessagesReceived(messages).build());
                summary.onCompleted();
            }
        };
    }

    /**
     * Hands one frame to the handler; returns how many messages and signals it delivered. The frame's
     * byte fields are views of a buffer its thread reuses for the next frame ({@link AliasingMarshaller}):
     * everything is decoded (copied) here, and nothing of {@code batch} may be kept past the return.
     */
    int deliver(RaftWire.RaftBatch batch) {
        long from = batch.getFromNode();
        PeerCounters c = counters.apply(from);
        int n = batch.getMessagesCount() + batch.getPingsCount() + batch.getPongsCount();
        int bytes = batch.getSerializedSize();
        InboundHandler h = handler;
        if (batch.getToNode() != localNode) {
            LOG.log(Level.WARNING, "node {0} sent a frame meant for node {1} to node {2}; dropped", from,
                    batch.getToNode(), localNode);
            c.dropped(n, bytes);
            return 0;
        }
        if (h == null || faults.dropsOnReceive(from, localNode)) {
            c.dropped(n, bytes);
            return 0;
        }
        List<Envelope> envelopes;
        try {
            envelopes = decode(batch);
        } catch (IllegalArgumentException malformed) {
            LOG.log(Level.WARNING, "malformed frame from node {0} dropped: {1}", from, malformed.getMessage());
            c.dropped(n, bytes);
            return 0;
        }
        c.received(n, bytes);
        try {
            if (!envelopes.isEmpty()) {
                h.onMessages(from, envelopes);
            }
            for (RaftWire.LivenessPing p : batch.getPingsList()) {
                h.onLiveness(from, MessageCodec.decodePing(p));
            }
            for (RaftWire.LivenessPong p : batch.getPongsList()) {
                h.onLiveness(from, MessageCodec.decodePong(p));
            }
        } catch (RuntimeException bug) {
            LOG.log(Level.ERROR, "inbound handler failed on a frame from node " + from, bug);
        }
        return n;
    }

    private static List<Envelope> decode(RaftWire.RaftBatch batch) {
        List<Envelope> out = new ArrayList<>(batch.getMessagesCount());
        for (RaftWire.GroupMessage m : batch.getMessagesList()) {
            out.add(MessageCodec.decode(m));
        }
        return out;
    }
}
