package io.conclave.client;

import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.NodeMetadata;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection to a Conclave cluster: one gRPC channel per node (opened lazily from the metadata's
 * node list), the cached cluster metadata (refreshed on routing errors and every
 * {@code metadataMaxAgeMs}), and the factory of producers, consumers and the admin. Thread-safe.
 *
 * <pre>{@code
 * try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of("10.0.0.1:7001"));
 *      Producer producer = client.producer(ProducerConfig.defaults())) {
 *     producer.send("orders", key, value).join();
 * }
 * }</pre>
 */
public final class ConclaveClient implements AutoCloseable {

    private final ClientConfig config;
    private final Backoff backoff;
    private final Map<HostPort, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<HostPort, java.util.concurrent.atomic.AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final AtomicReference<ClusterMetadata> metadata = new AtomicReference<>(ClusterMetadata.EMPTY);
    private final AtomicReference<CompletableFuture<ClusterMetadata>> refreshing = new AtomicReference<>();
    private final ScheduledExecutorService timer;
    /**
     * The client's one network thread: every channel's connection, and every producer's loop. A producer
     * that runs where its calls are written hands a request to the network without waking another
     * thread, and takes the answer where it is read: two thread switches per acknowledged batch instead
     * of four (the caller's and the producer's on each way). Nothing that runs here may block.
     */
    private final EventLoopGroup network;
    private final boolean epoll = Epoll.isAvailable();
    private final Set<AutoCloseable> children = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong retryBackoffs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong leaderLookups = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private ConclaveClient(ClientConfig config) {
        this.config = config;
        this.backoff = new Backoff(config.retryBackoffMsInitial(), config.retryBackoffMsMax());
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("conclave-client-timer"));
        DefaultThreadFactory threads = new DefaultThreadFactory("conclave-client-net", true);
        this.network = epoll ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        timer.scheduleAtFixedRate(this::periodicRefresh, config.metadataMaxAgeMs(), config.metadataMaxAgeMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Validates the config and returns a client; no call is made until the first operation. */
    public static ConclaveClient connect(ClientConfig config) {
        return new ConclaveClient(config.validate());
    }

    public ClientConfig config() {
        return config;
    }

    public Producer producer(ProducerConfig producerConfig) {
        ensureOpen();
        Producer p = new Producer(this, producerConfig.validate());
        children.add(p);
        return p;
    }

    public Consumer consumer(ConsumerConfig consumerConfig) {
        ensureOpen();
        Consumer c = new Consumer(this, consumerConfig.validate());
        children.add(c);
        return c;
    }

    public Admin admin() {
        ensureOpen();
        return new Admin(this);
    }

    /** The nodes of the last metadata answer, fetching it first if there is none yet. */
    public List<NodeMetadata> nodes() {
        return metadataReady().join().nodes();
    }

    // ---- metadata ----

    ClusterMetadata metadata() {
        return metadata.get();
    }

    /** The cached metadata, or a refresh when nothing has been fetched yet. */
    CompletableFuture<ClusterMetadata> metadataReady() {
        ClusterMetadata m = metadata.get();
        return m.isEmpty() ? refreshMetadata() : CompletableFuture.completedFuture(m);
    }

    /** Fetches fresh metadata; concurrent callers share one request. */
    CompletableFuture<ClusterMetadata> refreshMetadata() {
        for (int i = 0; i < 4; i++) {
            CompletableFuture<ClusterMetadata> current = refreshing.get();
            if (current != null) {
                return current;
            }
            CompletableFuture<ClusterMetadata> mine = new CompletableFuture<>();
            if (refreshing.compareAndSet(null, mine)) {
                mine.whenComplete((m, t) -> refreshing.compareAndSet(mine, null));
                tryMetadata(candidates(), 0, null, mine);
                return mine;
            }
        }
        throw new IllegalStateException("metadata refresh slot kept changing; this is a bug");
    }

    private void periodicRefresh() {
        if (!closed) {
            refreshMetadata();
        }
    }

    /** Known nodes first (they are the live cluster), then the bootstrap list. */
    private List<HostPort> candidates() {
        Set<HostPort> out = new LinkedHashSet<>();
        for (NodeMetadata n : metadata.get().nodes()) {
            out.add(new HostPort(n.getHost(), n.getClientPort()));
        }
        for (String b : config.bootstrap()) {
            out.add(HostPort.parse(b));
        }
        return new ArrayList<>(out);
    }

    private void tryMetadata(List<HostPort> targets, int i, Throwable last, CompletableFuture<ClusterMetadata> out) {
        if (closed) {
            out.completeExceptionally(new IllegalStateException("client is closed"));
            return;
        }
        if (i >= targets.size()) {
            out.completeExceptionally(new ConclaveException(ErrorCode.LEADER_NOT_AVAILABLE,
                    "no node answered Metadata (tried " + targets + "); check the bootstrap addresses", 0, last));
            return;
        }
        call(targets.get(i), ConclaveGrpc.METADATA, MetadataRequest.getDefaultInstance(), config.requestTimeoutMs(), null)
                .whenComplete((MetadataResponse r, Throwable t) -> {
                    if (t == null) {
                        ClusterMetadata m = new ClusterMetadata(r);
                        metadata.set(m);
                        out.complete(m);
                    } else {
                        tryMetadata(targets, i + 1, t, out);
                    }
                });
    }

    /**
     * Asks the partition's replicas for its leader: a node answers Metadata with the leaders of the
     * groups it hosts, so a replica knows when the node that answered the last refresh did not.
     * Completes with the first leader a replica names, or 0 when none does (an election is running).
     */
    CompletableFuture<Long> locateLeader(String topic, int partition) {
        ClusterMetadata m = metadata.get();
        io.conclave.api.proto.PartitionMetadata p = m.partition(topic, partition);
        CompletableFuture<Long> out = new CompletableFuture<>();
        List<HostPort> replicas = new ArrayList<>();
        if (p != null) {
            for (long r : p.getReplicasList()) {
                HostPort a = m.address(r);
                if (a != null) {
                    replicas.add(a);
                }
            }
        }
        if (replicas.isEmpty()) {
            out.complete(0L);
            return out;
        }
        leaderLookups.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(replicas.size());
        MetadataRequest req = MetadataRequest.newBuilder().addTopics(topic).build();
        for (HostPort a : replicas) {
            call(a, ConclaveGrpc.METADATA, req, config.requestTimeoutMs(), null).whenComplete((r, t) -> {
                long leader = t == null ? leaderIn(r, topic, partition) : 0;
                if (leader > 0) {
                    out.complete(leader);
                } else if (left.decrementAndGet() == 0) {
                    out.complete(0L);
                }
            });
        }
        return out;
    }

    private static long leaderIn(MetadataResponse r, String topic, int partition) {
        for (io.conclave.api.proto.TopicMetadata t : r.getTopicsList()) {
            if (t.getName().equals(topic)) {
                for (io.conclave.api.proto.PartitionMetadata p : t.getPartitionsList()) {
                    if (p.getPartition() == partition) {
                        return p.getLeader();
                    }
                }
            }
        }
        return 0;
    }

    /** Producer retries that waited out a back-off (rather than following a known leader at once). */
    public long retryBackoffs() {
        return retryBackoffs.get();
    }

    /** Times a producer asked a partition's replicas for its leader because the metadata named none. */
    public long leaderLookups() {
        return leaderLookups.get();
    }

    void countBackoff() {
        retryBackoffs.incrementAndGet();
    }

    // ---- calls ----

    /** One unary call with a deadline and optional message compression, as a future. */
    <Q, R> CompletableFuture<R> call(HostPort target, MethodDescriptor<Q, R> method, Q request, long timeoutMs,
                                     String compression) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
        if (compression != null) {
            options = options.withCompression(compression);
        }
        if (method == ConclaveGrpc.PRODUCE) {
            // The producer's answer only hops to its own loop: take it on the network thread, one
            // thread hand-off fewer per acknowledgement. Other calls keep gRPC's pool, since what they
            // complete may reach user code.
            options = options.withExecutor(Runnable::run);
        }
        CompletableFuture<R> out = new CompletableFuture<>();
        ClientCall<Q, R> clientCall;
        try {
            clientCall = channel(target).newCall(method, options);
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
            return out;
        }
        java.util.concurrent.atomic.AtomicInteger calls =
                outstanding.computeIfAbsent(target, t -> new java.util.concurrent.atomic.AtomicInteger());
        calls.incrementAndGet();
        out.whenComplete((r, t) -> calls.decrementAndGet());
        try {
            start(clientCall, request, out, method, target);
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    private static <Q, R> void start(ClientCall<Q, R> clientCall, Q request, CompletableFuture<R> out,
                                     MethodDescriptor<Q, R> method, HostPort target) {
        ClientCalls.asyncUnaryCall(clientCall, request, new StreamObserver<R>() {
            @Override
            public void onNext(R value) {
                out.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                out.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                if (!out.isDone()) {
                    out.completeExceptionally(new ConclaveException(ErrorCode.INTERNAL,
                            method.getFullMethodName() + " on " + target + " completed without a response"));
                }
            }
        });
    }

    /** Calls to {@code target} started by this client and not yet answered. */
    int outstandingCalls(HostPort target) {
        java.util.concurrent.atomic.AtomicInteger n = outstanding.get(target);
        return n == null ? 0 : n.get();
    }

    private ManagedChannel channel(HostPort target) {
        ensureOpen();
        return channels.computeIfAbsent(target, t -> NettyChannelBuilder.forAddress(t.host(), t.port())
                .eventLoopGroup(network)
                .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .usePlaintext()
                .build());
    }

    /** The thread producers run on: the one that writes and reads every channel of this client. */
    EventLoop networkLoop() {
        ensureOpen();
        return network.next();
    }

    Backoff backoff() {
        return backoff;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    void forget(AutoCloseable child) {
        children.remove(child);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Closes the producers and consumers made here (producers flush first), then the channels. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (AutoCloseable c : List.copyOf(children)) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing continues; the child reported its own failure to its futures.
            }
        }
        closed = true;
        timer.shutdownNow();
        for (ManagedChannel ch : channels.values()) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels.values()) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.clear();
        network.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
}
