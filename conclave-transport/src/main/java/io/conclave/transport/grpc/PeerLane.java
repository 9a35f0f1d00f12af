package io.conclave.transport.grpc;

import io.conclave.transport.Lane;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.proto.RaftWire;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lane towards one peer: its own channel (so its own TCP connection), its bounded queue, the
 * long-lived client stream that carries its frames, and the connection's life cycle.
 *
 * <p>Life cycle, one transition at a time under this object's monitor:
 * <ul>
 *   <li>CONNECTING → CONNECTED when the unary handshake (with a deadline) names the expected peer
 *       and the stream is opened; → BACKOFF when the handshake fails.</li>
 *   <li>CONNECTED → BACKOFF when the stream fails or the peer ends it.</li>
 *   <li>BACKOFF → CONNECTING when the backoff delay has passed.</li>
 *   <li>any → CLOSED on {@link #close}.</li>
 * </ul>
 * The peer is <em>unreachable</em> from the first failure until a connection succeeds again (so
 * also while a retry is CONNECTING): messages are queued while it is not, and refused while it is
 * — Raft retransmits once it is back. Entering BACKOFF drops what was queued.
 *
 * <p>Sending: one drain task at a time per lane runs on the shared sender pool; it writes frames
 * while gRPC says the stream is ready (HTTP/2 flow control) and stops otherwise, to be woken by the
 * stream's on-ready callback, by an urgent offer, by a full batch or by a flush.
 */
final class PeerLane {

    private static final System.Logger LOG = System.getLogger(PeerLane.class.getName());

    enum State {
        /** Handshaking with the peer; messages are queued. */
        CONNECTING,
        /** The stream is open; messages are queued and drained. */
        CONNECTED,
        /** The last attempt failed; waiting to retry; messages are refused. */
        BACKOFF,
        /** Closed for good. */
        CLOSED
    }

    private final long localNode;
    private final long localIncarnation;
    private final long peer;
    private final Lane lane;
    private final String address;
    private final ManagedChannel channel;
    private final OutboundQueue queue;
    private final PeerCounters counters;
    private final Executor senders;
    private final ScheduledExecutorService timer;
    private final Backoff backoff;
    private final long handshakeDeadlineMs;
    private final int batchMessagesMax;
    private final long batchBytesMax;
    private final AtomicBoolean draining = new AtomicBoolean();

    private volatile State state = State.CONNECTING;
    private volatile boolean unreachable;
    private volatile ClientCallStreamObserver<RaftWire.RaftBatch> stream;
    /** Guarded by this: advances on every attempt and on close, so that stale callbacks are ignored. */
    private long epoch;
    /** Guarded by this: failed attempts since the last success. */
    private int failures;
    /** Guarded by this. */
    private boolean everConnected;
    /** Guarded by this. */
    private ScheduledFuture<?> retry;

    PeerLane(long localNode, long localIncarnation, long peer, Lane lane, String address, ManagedChannel channel,
             TransportConfig config, PeerCounters counters, Executor senders, ScheduledExecutorService timer,
             Backoff backoff) {
        this.localNode = localNode;
        this.localIncarnation = localIncarnation;
        this.peer = peer;
        this.lane = lane;
        this.address = address;
        this.channel = channel;
        TransportConfig.LaneLimits limits = config.limits(lane);
        this.queue = new OutboundQueue(limits.messagesMax(), limits.bytesMax());
        this.counters = counters;
        this.senders = senders;
        this.timer = timer;
        this.backoff = backoff;
        this.handshakeDeadlineMs = config.handshakeDeadlineMs();
        this.batchMessagesMax = lane == Lane.SNAPSHOT ? 1 : config.batchMessagesMax();
        this.batchBytesMax = config.batchBytesMax();
    }

    State state() {
        return state;
    }

    ManagedChannel channel() {
        return channel;
    }

    int queuedMessages() {
        return queue.size();
    }

    long queuedBytes() {
        return queue.bytes();
    }

    /**
     * Queues {@code item}; false (counted as a drop) when the peer is unreachable or the queue is
     * full. Wakes the sender when {@code urgent} or when a full batch is waiting.
     */
    boolean offer(OutboundQueue.Item item, boolean urgent) {
        if (unreachable || state == State.CLOSED || !queue.offer(item)) {
            counters.dropped(1, item.frameBytes());
            return false;
        }
        if (urgent && lane == Lane.PRIORITY) {
            // Written at once on this thread: a sender thread may be busy with bulk drains, and a
            // ping or vote that waits behind them makes a live node look dead to its peers.
            flushInline();
        } else if (urgent || queue.size() >= batchMessagesMax || queue.bytes() >= batchBytesMax) {
            wake();
        }
        return true;
    }

    /** Schedules a drain unless one is pending or running, or there is nothing to do. */
    void wake() {
        if (state != State.CONNECTED || queue.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        try {
            senders.execute(this::drain);
        } catch (RejectedExecutionException closing) {
            draining.set(false);
        }
    }

    /** Drains in the caller's thread unless a drain is pending or running, or there is nothing to do. */
    void flushInline() {
        if (state != State.CONNECTED || queue.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        drain();
    }

    /** Starts the first connection attempt. */
    void start() {
        connect();
    }

    /** Stops the lane: cancels the stream, drops what is queued; the channel is shut down by the owner. */
    void close() {
        ClientCallStreamObserver<RaftWire.RaftBatch> s;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            epoch++;
            if (retry != null) {
                retry.cancel(false);
            }
            s = stream;
            stream = null;
        }
        if (s != null) {
            s.cancel("transport closed", null);
        }
        OutboundQueue.Cleared c = queue.clear();
        counters.dropped(c.messages(), c.bytes());
    }

    private void drain() {
        ClientCallStreamObserver<RaftWire.RaftBatch> s = stream;
        int frames = 0;
        // A bounded turn, then back to the pool's queue so that other lanes get the sender threads.
        while (s != null && state == State.CONNECTED && s.isReady() && frames < 16) {
            RaftWire.RaftBatch.Builder b = RaftWire.RaftBatch.newBuilder().setFromNode(localNode)
                    .setFromIncarnation(localIncarnation).setToNode(peer);
            int n = queue.drainInto(b, batchMessagesMax, batchBytesMax);
            if (n == 0) {
                break;
            }
            RaftWire.RaftBatch batch = b.build();
            try {
                s.onNext(batch);
                counters.sent(n, batch.getSerializedSize());
            } catch (RuntimeException closed) {
                counters.dropped(n, batch.getSerializedSize());
                break;
            }
            frames++;
        }
        draining.set(false);
        ClientCallStreamObserver<RaftWire.RaftBatch> now = stream;
        if (now != null && now.isReady()) {
            wake();
        }
    }

    private void connect() {
        long e;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CONNECTING;
            e = ++epoch;
        }
        // Our backoff governs retries, not the channel's own (which would wait up to two minutes).
        channel.resetConnectBackoff();
        RaftWire.HandshakeRequest request = RaftWire.HandshakeRequest.newBuilder().setFromNode(localNode)
                .setFromIncarnation(localIncarnation).setToNode(peer).build();
        ClientCalls.asyncUnaryCall(
                channel.newCall(RaftTransportService.HANDSHAKE,
                        CallOptions.DEFAULT.withDeadlineAfter(handshakeDeadlineMs, TimeUnit.MILLISECONDS)),
                request, new StreamObserver<>() {
                    private RaftWire.HandshakeResponse response;

                    @Override
                    public void onNext(RaftWire.HandshakeResponse r) {
                        response = r;
                    }

                    @Override
                    public void onError(Throwable t) {
                        fail(e, describe(t));
                    }

                    @Override
                    public void onCompleted() {
                        onHandshake(e, response);
                    }
                });
    }

    private void onHandshake(long e, RaftWire.HandshakeResponse response) {
        if (response == null || response.getNodeId() != peer) {
            fail(e, response == null ? "empty handshake" : address + " answers as node " + response.getNodeId());
            return;
        }
        long before = counters.handshook(response.getIncarnation());
        if (before != 0 && before != response.getIncarnation()) {
            LOG.log(Level.INFO, "node {0} restarted: incarnation {1} -> {2}", peer, before,
                    response.getIncarnation());
        }
        openStream(e);
    }

    private void openStream(long e) {
        StreamObserver<RaftWire.RaftBatch> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RaftTransportService.method(lane), CallOptions.DEFAULT),
                new ClientResponseObserver<RaftWire.RaftBatch, RaftWire.StreamSummary>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<RaftWire.RaftBatch> s) {
                        s.setOnReadyHandler(PeerLane.this::wake);
                    }

                    @Override
                    public void onNext(RaftWire.StreamSummary summary) {
                        // The peer's reply to our half-close; nothing to do with it.
                    }

                    @Override
                    public void onError(Throwable t) {
                        fail(e, describe(t));
                    }

                    @Override
                    public void onCompleted() {
                        fail(e, "peer ended the stream");
                    }
                });
        ClientCallStreamObserver<RaftWire.RaftBatch> s = (ClientCallStreamObserver<RaftWire.RaftBatch>) requests;
        int failedBefore;
        boolean reconnect;
        synchronized (this) {
            if (e != epoch || state != State.CONNECTING) {
                s.cancel("superseded", null);
                return;
            }
            stream = s;
            state = State.CONNECTED;
            unreachable = false;
            failedBefore = failures;
            failures = 0;
            reconnect = everConnected;
            everConnected = true;
        }
        if (reconnect) {
            counters.reconnected();
        }
        if (failedBefore > 0) {
            LOG.log(Level.INFO, "node {0} reachable again on the {1} lane at {2} after {3} failed attempts",
                    peer, lane, address, failedBefore);
        }
        wake();
    }

    private void fail(long e, String reason) {
        boolean wasConnected;
        int attempt;
        long delayMs;
        synchronized (this) {
            if (e != epoch || state == State.CLOSED || state == State.BACKOFF) {
                return;
            }
            wasConnected = state == State.CONNECTED;
            state = State.BACKOFF;
            unreachable = true;
            stream = null;
            attempt = ++failures;
            delayMs = backoff.delayMs(attempt);
            try {
                retry = timer.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                return;
            }
        }
        if (!wasConnected) {
            counters.connectFailed();
        }
        OutboundQueue.Cleared c = queue.clear();
        counters.dropped(c.messages(), c.bytes());
        Level level = attempt == 1 ? Level.WARNING : Level.DEBUG;
        LOG.log(level, "node {0} unreachable on the {1} lane at {2} ({3}); {4} queued messages dropped; "
                + "next attempt (#{5}) in {6} ms", peer, lane, address, reason, c.messages(), attempt + 1, delayMs);
    }

    private static String describe(Throwable t) {
        Status s = Status.fromThrowable(t);
        return s.getCode() + (s.getDescription() != null ? ": " + s.getDescription() : "");
    }
}
