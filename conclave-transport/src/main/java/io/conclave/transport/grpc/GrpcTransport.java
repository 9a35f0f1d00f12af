package io.conclave.transport.grpc;

import io.conclave.raft.message.Message;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Lane;
import io.conclave.transport.Liveness;
import io.conclave.transport.LivenessPing;
import io.conclave.transport.LivenessPong;
import io.conclave.transport.Transport;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.TransportStats;
import io.conclave.transport.codec.MessageCodec;
import io.conclave.transport.fault.FaultInjector;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@link Transport}: one gRPC server per node, and towards each peer one channel (its
 * own TCP connection) per {@link Lane}, each carrying one long-lived bidirectional stream of
 * {@code RaftBatch} frames. Queues are bounded per (peer, lane); overflow, unreachable peers and
 * fault drops are counted in {@link #stats()}; reconnection backs off exponentially with jitter.
 *
 * <p>Threads: callers (the runtime's event loops) encode and queue on their own thread; a small
 * pool of sender threads drains queues into streams; one timer thread runs reconnections and
 * fault delays; gRPC's threads deliver inbound frames to the {@link InboundHandler}.
 */
public final class GrpcTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(GrpcTransport.class.getName());
    private static final int FRAME_OVERHEAD_BYTES = 64;

    private final long localNode;
    private final long localIncarnation;
    private final TransportConfig config;
    private final FaultInjector faults;
    private final Backoff backoff;
    private final ExecutorService senders;
    private final ScheduledExecutorService timer;
    private final InboundService inbound;
    private final NetworkThreads network;
    private final Server server;
    private final Map<Long, Map<Lane, PeerLane>> peers = new ConcurrentHashMap<>();
    private final Map<Long, PeerCounters> counters = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private GrpcTransport(long localNode, long localIncarnation, TransportConfig config, FaultInjector faults) {
        this.localNode = localNode;
        this.localIncarnation = localIncarnation;
        this.config = config;
        this.faults = faults;
        this.backoff = new Backoff(config.backoffMinMs(), config.backoffMaxMs(), config.backoffJitter(),
                config.seed() ^ localNode);
        this.senders = Executors.newFixedThreadPool(config.senderThreads(), daemon("sender", localNode));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("timer", localNode));
        this.inbound = new InboundService(localNode, localIncarnation, faults, this::counters);
        this.network = new NetworkThreads(localNode, config.inboundThreads());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.port()))
                .bossEventLoopGroup(network.accept())
                .workerEventLoopGroup(network.inbound())
                .channelType(network.serverChannelType())
                .maxInboundMessageSize(config.inboundMessageBytesMax())
                .flowControlWindow(config.flowControlWindowBytes())
                .permitKeepAliveTime(config.keepAliveMs() / 2, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(RaftTransportService.bind(inbound));
        if (config.inboundOnNetty()) {
            builder.directExecutor(); // frames go to the handler on the thread that read them: one hop fewer
        }
        this.server = builder.build();
    }

    /** Starts node {@code localNode}'s transport without fault rules (production wiring). */
    public static GrpcTransport start(long localNode, long localIncarnation, TransportConfig config) {
        return start(localNode, localIncarnation, config, new FaultInjector(config.seed()));
    }

    /**
     * Starts the server of node {@code localNode} (incarnation {@code localIncarnation}) and returns
     * the transport, with no peers yet; {@code faults} holds the test's fault rules.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static GrpcTransport start(long localNode, long localIncarnation, TransportConfig config,
                                      FaultInjector faults) {
        config.validate();
        GrpcTransport t = new GrpcTransport(localNode, localIncarnation, config, faults);
        try {
            t.server.start();
        } catch (IOException e) {
            t.close();
            throw new UncheckedIOException("node " + localNode + " cannot listen on " + config.bindHost() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        return t;
    }

    /** The port the server listens on (the ephemeral one when the config said 0). */
    public int port() {
        return server.getPort();
    }

    /** Adds {@code node}, reachable at {@code host:port}, and starts connecting to it. */
    public void addPeer(long node, String host, int port) {
        if (node == localNode) {
            throw new IllegalArgumentException("node " + node + " cannot be its own peer");
        }
        if (closed) {
            throw new IllegalStateException("transport of node " + localNode + " is closed");
        }
        Map<Lane, PeerLane> lanes = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            lanes.put(lane, newLane(node, lane, host, port));
        }
        if (peers.putIfAbsent(node, lanes) != null) {
            lanes.values().forEach(l -> l.channel().shutdownNow());
            throw new IllegalArgumentException("node " + node + " is already a peer of node " + localNode);
        }
        lanes.values().forEach(PeerLane::start);
    }

    /** Removes {@code node}: closes its lanes and drops what was queued for it. */
    public void removePeer(long node) {
        Map<Lane, PeerLane> lanes = peers.remove(node);
        if (lanes != null) {
            closeLanes(lanes);
        }
    }

    @Override
    public long localNode() {
        return localNode;
    }

    @Override
    public boolean send(long toNode, long groupId, Message message) {
        return enqueue(toNode, Lane.of(message.type()), OutboundQueue.item(MessageCodec.encode(groupId, message)),
                false);
    }

    @Override
    public boolean sendPriority(long toNode, long groupId, Message message) {
        return enqueue(toNode, Lane.PRIORITY, OutboundQueue.item(MessageCodec.encode(groupId, message)), true);
    }

    @Override
    public boolean sendLiveness(long toNode, Liveness signal) {
        OutboundQueue.Item item = signal instanceof LivenessPing p ? OutboundQueue.item(MessageCodec.encodePing(p))
                : OutboundQueue.item(MessageCodec.encodePong((LivenessPong) signal));
        return enqueue(toNode, Lane.PRIORITY, item, true);
    }

    /**
     * Writes what is queued into the streams on the calling thread (an event loop at the end of its
     * step), instead of waking a sender thread: one thread hand-off fewer per message. A lane whose
     * stream is not ready, or that a sender is draining, is left to the sender.
     */
    @Override
    public void flush() {
        for (Map<Lane, PeerLane> lanes : peers.values()) {
            for (PeerLane lane : lanes.values()) {
                lane.flushInline();
            }
        }
    }

    @Override
    public void setInboundHandler(InboundHandler handler) {
        inbound.setHandler(handler);
    }

    @Override
    public Set<Long> peers() {
        return new TreeSet<>(peers.keySet());
    }

    @Override
    public TransportStats stats() {
        Map<Long, TransportStats.PeerStats> out = new HashMap<>();
        peers.forEach((node, lanes) -> {
            boolean reachable = true;
            long queuedMessages = 0;
            long queuedBytes = 0;
            for (PeerLane lane : lanes.values()) {
                reachable &= lane.state() == PeerLane.State.CONNECTED;
                queuedMessages += lane.queuedMessages();
                queuedBytes += lane.queuedBytes();
            }
            out.put(node, counters(node).snapshot(reachable, queuedMessages, queuedBytes));
        });
        return new TransportStats(out);
    }

    /** The fault rules this transport applies. */
    public FaultInjector faults() {
        return faults;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdownNow();
        for (Long node : peers()) {
            removePeer(node);
        }
        timer.shutdownNow();
        senders.shutdownNow();
        try {
            if (!server.awaitTermination(config.shutdownMs(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "server of node {0} did not terminate in {1} ms", localNode,
                        config.shutdownMs());
            }
            network.close(config.shutdownMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean enqueue(long toNode, Lane lane, OutboundQueue.Item item, boolean urgent) {
        Map<Lane, PeerLane> lanes = peers.get(toNode);
        if (lanes == null) {
            throw new IllegalArgumentException("node " + toNode + " is not a peer of node " + localNode
                    + "; peers are " + peers());
        }
        PeerLane target = lanes.get(lane);
        if (item.frameBytes() + FRAME_OVERHEAD_BYTES > config.inboundMessageBytesMax()) {
            LOG.log(Level.WARNING, "a {0}-byte message to node {1} exceeds inboundMessageBytesMax {2}; dropped",
                    item.frameBytes(), toNode, config.inboundMessageBytesMax());
            counters(toNode).dropped(1, item.frameBytes());
            return false;
        }
        FaultInjector.Verdict verdict = faults.onSend(localNode, toNode);
        if (verdict.drop()) {
            // Lost in flight, as on a real network: taken, then gone.
            counters(toNode).dropped(1, item.frameBytes());
            return true;
        }
        if (verdict.delayMs() > 0) {
            try {
                timer.schedule(() -> target.offer(item, true), verdict.delayMs(), TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException closing) {
                counters(toNode).dropped(1, item.frameBytes());
                return false;
            }
        }
        return target.offer(item, urgent);
    }

    private PeerLane newLane(long node, Lane lane, String host, int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
                .eventLoopGroup(network.outbound(lane))
                .channelType(network.channelType())
                .usePlaintext()
                .disableRetry()
                .maxInboundMessageSize(config.inboundMessageBytesMax())
                .flowControlWindow(config.flowControlWindowBytes())
                .keepAliveTime(config.keepAliveMs(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .build();
        return new PeerLane(localNode, localIncarnation, node, lane, host + ":" + port, channel, config,
                counters(node), senders, timer, backoff);
    }

    private void closeLanes(Map<Lane, PeerLane> lanes) {
        for (PeerLane lane : lanes.values()) {
            lane.close();
            lane.channel().shutdownNow();
        }
        for (PeerLane lane : lanes.values()) {
            try {
                if (!lane.channel().awaitTermination(config.shutdownMs(), TimeUnit.MILLISECONDS)) {
                    LOG.log(Level.WARNING, "channel of node {0} did not terminate in {1} ms", localNode,
                            config.shutdownMs());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private PeerCounters counters(long node) {
        return counters.computeIfAbsent(node, PeerCounters::new);
    }

    private static ThreadFactory daemon(String role, long node) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "conclave-transport-" + role + "-" + node + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
