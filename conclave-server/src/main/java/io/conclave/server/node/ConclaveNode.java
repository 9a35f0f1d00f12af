package io.conclave.server.node;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.JoinRequest;
import io.conclave.api.proto.JoinResponse;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.multiraft.loop.HelpScope;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.server.api.AdminApi;
import io.conclave.server.api.ClientApi;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.Producing;
import io.conclave.server.partition.ProducingConfig;
import io.conclave.server.replication.NodeReplication;
import io.conclave.server.replication.ReplicationManager;
import io.conclave.storage.disk.RealDisk;
import io.conclave.transport.grpc.GrpcTransport;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One Conclave node process: its Multi-Raft runtime (storage, event loops, gRPC transport), the
 * controller group's replica and the metadata image it applies, the partition replicas the
 * metadata assigns to it (created by reconciling towards the image), and the client and admin
 * gRPC services on the client port.
 *
 * <p>Lifecycle: {@link #start()} forms the cluster (initial controllers) or joins it through a seed
 * (an empty data directory) or rejoins with its data, then registers the node with the controller
 * in the background; {@link #isReady()} once it is registered and serving. {@link #close()} first
 * hands away the leadership of every group it leads, then stops.
 */
public final class ConclaveNode implements AutoCloseable, ServingNode {

    private static final System.Logger LOG = System.getLogger(ConclaveNode.class.getName());
    /** Threads that serve fetches (reads of partition logs), off the event loops and appliers. */
    static final int READER_THREADS = 4;
    /** Fetches waiting for a reader; beyond it a fetch fails with BACK_PRESSURE (the executor refuses). */
    static final int READER_QUEUE_MAX = 4_096;

    private final ServerConfig config;
    private NodeStateMachine stateMachine;
    private RaftRuntime runtime;
    private GrpcTransport transport;
    private Server server;
    private String clusterId;
    private List<Long> controllerVoters = List.of();
    /** How often request deadlines are checked: a request times out up to this much late. */
    private static final long DEADLINE_SWEEP_MS = 50;

    private RequestDeadlines deadlines;
    private ScheduledExecutorService background;
    /** Runs the client API's calls other than produce (gRPC's own default would be the same: a cached pool). */
    private java.util.concurrent.ExecutorService callPool;
    private java.util.concurrent.ThreadPoolExecutor readers;
    private Producing producing;
    private ReplicationManager replication;
    private ControllerOps controllerOps;
    /** The controller's thread of changes ({@link ControllerOps}): its steps and their timeouts. */
    private ScheduledExecutorService controllerWorker;
    private MembershipReconciler membership;
    private ReplicaRemover replicaRemover;
    private Reconciler reconciler;
    /** Which replicas a new data directory lost (null until the runtime's incarnation is known). */
    private volatile LostReplicaCheck lossCheck;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final java.security.SecureRandom producerIds = new java.security.SecureRandom();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private volatile boolean registered;
    /** Why registration cannot succeed, or "" (see {@link #staleIncarnation}). */
    private volatile String registrationProblem = "";
    private volatile boolean closed;

    private final java.util.function.UnaryOperator<io.conclave.storage.disk.Disk> observeDisk;

    public ConclaveNode(ServerConfig config) {
        this(config, d -> d);
    }

    /** A node whose disk is wrapped by {@code observeDisk} (timed syncs for metrics, or fsync off). */
    public ConclaveNode(ServerConfig config, java.util.function.UnaryOperator<io.conclave.storage.disk.Disk> observeDisk) {
        this.config = config.validate();
        this.observeDisk = observeDisk;
    }

    // ================================ lifecycle ================================

    public synchronized ConclaveNode start() throws IOException {
        java.nio.file.Files.createDirectories(config.dataDir());
        NodeIdentity stored = NodeIdentity.read(config.dataDir());
        if (stored != null) {
            stored.check(config.nodeId(), config.clusterId());
            clusterId = stored.clusterId();
        } else if (config.isInitialController()) {
            clusterId = config.clusterId() != null ? config.clusterId() : derivedClusterId(config.initialControllers());
            NodeIdentity.pending(clusterId, config.nodeId()).write(config.dataDir());
        }
        background = Executors.newScheduledThreadPool(2, daemon("n" + config.nodeId() + "-node"));
        callPool = Executors.newCachedThreadPool(daemon("n" + config.nodeId() + "-call"));
        deadlines = new RequestDeadlines(System::nanoTime, background, DEADLINE_SWEEP_MS);
        readers = new java.util.concurrent.ThreadPoolExecutor(READER_THREADS, READER_THREADS, 60, TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(READER_QUEUE_MAX), daemon("n" + config.nodeId() + "-reader"));
        producing = new Producing(new Host(), ProducingConfig.defaults(), Producing.Timer.system());
        replication = new NodeReplication(this);
        stateMachine = new NodeStateMachine(producing::onFenced);
        stateMachine.metadata().addListener(this::onImage);
        controllerWorker = Executors.newSingleThreadScheduledExecutor(daemon("n" + config.nodeId() + "-controller-ops"));
        controllerOps = new ControllerOps(new ControllerHost());
        membership = new MembershipReconciler(this);
        replicaRemover = new ReplicaRemover(this);
        reconciler = new Reconciler(config.nodeId(), new NodeReplicas(), () -> lossCheck,
                List.of(membership::pass, replicaRemover::pass));
        // A directory that is new, or still checking what it lost, asks its peers once what they know of
        // this node: the incarnation to stay above, and whether its controller replica must rejoin.
        PeerRecord peers = stored == null || stored.lossCheckPending() ? askPeersAboutThisNode() : PeerRecord.NONE;
        runtime = new RaftRuntime(config.nodeId(), config.runtime(), observeDisk.apply(new RealDisk(config.dataDir())), "raft",
                incarnation -> GrpcTransport.start(config.nodeId(), incarnation,
                        config.transport().withPort(config.raftPort())),
                stateMachine, withIncarnationFloor(SystemClock.INSTANCE, peers.incarnation() + 1));
        runtime.start();
        lossCheck = stored == null || stored.lossCheckPending()
                ? LostReplicaCheck.pending(config.nodeId(), stateMachine.metadata(), runtime.incarnation(),
                        this::scheduleReconcile,
                        mark -> NodeIdentity.settled(clusterId, config.nodeId(), mark).write(config.dataDir()))
                : LostReplicaCheck.settled(config.nodeId(), stored.groupIdMark());
        transport = (GrpcTransport) runtime.transport();
        for (ServerConfig.ControllerSpec c : config.initialControllers()) {
            addPeer(c.nodeId(), c.host(), c.raftPort());
        }
        controllerVoters = config.initialControllers().stream().map(ServerConfig.ControllerSpec::nodeId).sorted()
                .collect(Collectors.toList());
        server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.clientPort()))
                .maxInboundMessageSize(ClientApi.MESSAGE_BYTES_MAX)
                .addService(ConclaveGrpc.bindClient(new ClientApi(this)))
                .addService(ConclaveGrpc.bindAdmin(new AdminApi(this)))
                // gRPC looks a call's method up on the server's executor before it asks callExecutor which
                // executor runs the call: direct, so a produce request reaches its handler without a hand-off
                // to a pool thread; every other call is then moved to callPool.
                .directExecutor()
                .callExecutor(this::callExecutor)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            closeQuietly();
            throw new IOException("node " + config.nodeId() + " cannot listen for clients on " + config.host() + ":"
                    + config.clientPort() + ": " + e.getMessage(), e);
        }
        if (!runtime.hostsGroup(NodeStateMachine.CONTROLLER_GROUP)) {
            if (config.isInitialController() && lossCheck.isPending() && peers.listed()) {
                LOG.log(Level.WARNING, "node {0} started on a new data directory but its peers list it already: "
                        + "its controller replica rejoins (no vote until caught up)", config.nodeId());
                awaitFuture(runtime.createRejoiningGroup(NodeStateMachine.CONTROLLER_GROUP, Set.copyOf(controllerVoters)),
                        "creating the rejoining controller replica");
            } else if (config.isInitialController()) {
                awaitFuture(runtime.createGroup(NodeStateMachine.CONTROLLER_GROUP, Set.copyOf(controllerVoters)),
                        "creating the controller group");
            } else {
                joinThroughSeeds();
            }
        } else if (stored != null && controllerVoters.isEmpty()) {
            controllerVoters = List.copyOf(runtime.storage().group(NodeStateMachine.CONTROLLER_GROUP)
                    .initialState().confState().voters());
        }
        background.scheduleWithFixedDelay(this::registerIfNeeded, 0, 100, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::scheduleReconcile, 1, 1, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "node {0} of cluster {1} started: raft {2}:{3}, clients {2}:{4}", config.nodeId(),
                clusterId, config.host(), Integer.toString(transport.port()), Integer.toString(server.getPort()));
        return this;
    }

    /**
     * The clock the runtime gets, whose incarnation floor ({@code NodeMeta}: the lowest incarnation a
     * new data directory may take, the wall clock's ms) is at least {@code floor}: a directory created
     * while this machine's clock is behind the one that last registered the node would otherwise take
     * an incarnation the controller refuses for good ({@link #staleIncarnation}).
     */
    static io.conclave.multiraft.time.Clock withIncarnationFloor(io.conclave.multiraft.time.Clock base, long floor) {
        return new io.conclave.multiraft.time.Clock() {
            @Override
            public long nowNs() {
                return base.nowNs();
            }

            @Override
            public long incarnationFloor() {
                return Math.max(base.incarnationFloor(), floor);
            }
        };
    }

    /**
     * What the peers that answer (the other initial controllers and the seeds, 2 s each, same cluster)
     * know of this node id: whether one lists it — then it registered before, on a directory that is
     * gone (docs/operations.md, "A node whose disk was replaced") — and the highest incarnation they
     * registered for it. Best effort: a peer that is down or not listening yet answers nothing, and a
     * cluster still forming lists nobody.
     */
    record PeerRecord(boolean listed, long incarnation) {
        static final PeerRecord NONE = new PeerRecord(false, 0);
    }

    private PeerRecord askPeersAboutThisNode() {
        List<String> peers = new ArrayList<>();
        for (ServerConfig.ControllerSpec c : config.initialControllers()) {
            if (c.nodeId() != config.nodeId()) {
                peers.add(c.host() + ":" + c.clientPort());
            }
        }
        peers.addAll(config.seeds());
        String expected = clusterId != null ? clusterId : config.clusterId();
        boolean listed = false;
        long highest = 0;
        for (String peer : peers) {
            try {
                MetadataResponse md = ClientCalls.blockingUnaryCall(channelTo(peer), ConclaveGrpc.METADATA,
                        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS),
                        MetadataRequest.getDefaultInstance());
                if (expected != null && !expected.equals(md.getClusterId())) {
                    continue;
                }
                for (NodeMetadata n : md.getNodesList()) {
                    if (n.getNodeId() == config.nodeId()) {
                        listed = true;
                        highest = Math.max(highest, n.getIncarnation());
                    }
                }
            } catch (StatusRuntimeException unreachable) {
                // down or not listening yet: ask the next
            }
        }
        return new PeerRecord(listed, highest);
    }

    static String derivedClusterId(List<ServerConfig.ControllerSpec> controllers) {
        String spec = controllers.stream().sorted(Comparator.comparingLong(ServerConfig.ControllerSpec::nodeId))
                .map(ServerConfig.ControllerSpec::toString).collect(Collectors.joining(","));
        return UUID.nameUUIDFromBytes(spec.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** An empty data directory and no place among the initial controllers: ask a seed to let us in. */
    private void joinThroughSeeds() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(30_000, config.requestTimeoutMs()));
        StatusRuntimeException last = null;
        int attempt = 0;
        while (System.nanoTime() < deadline && !closed) {
            for (String seed : config.seeds()) {
                try {
                    JoinResponse r = joinVia(seed);
                    if (!r.getClusterId().isEmpty()) {
                        clusterId = r.getClusterId();
                        NodeIdentity.pending(clusterId, config.nodeId()).write(config.dataDir());
                        for (NodeMetadata n : r.getNodesList()) {
                            addPeer(n.getNodeId(), n.getHost(), n.getRaftPort());
                        }
                        controllerVoters = List.copyOf(r.getControllerVotersList());
                        awaitFuture(runtime.createGroup(NodeStateMachine.CONTROLLER_GROUP, Set.copyOf(controllerVoters)),
                                "creating this node's controller replica");
                        return;
                    }
                } catch (StatusRuntimeException e) {
                    if (ApiErrors.codeOf(e) == ErrorCode.CLUSTER_ID_MISMATCH) {
                        throw new IOException("seed " + seed + " refused the join: " + e.getStatus().getDescription());
                    }
                    last = e;
                }
            }
            attempt++;
            sleepBackoff(attempt);
        }
        throw new IOException("node " + config.nodeId() + " could not join through seeds " + config.seeds()
                + (last == null ? "" : ": " + last.getStatus()));
    }

    private JoinResponse joinVia(String seed) {
        ManagedChannel ch = channelTo(seed);
        MetadataResponse md = ClientCalls.blockingUnaryCall(ch, ConclaveGrpc.METADATA,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), MetadataRequest.getDefaultInstance());
        if (config.clusterId() != null && !config.clusterId().equals(md.getClusterId())) {
            throw ApiErrors.error(ErrorCode.CLUSTER_ID_MISMATCH, "seed " + seed + " is in cluster "
                    + md.getClusterId() + ", this node is configured for " + config.clusterId());
        }
        ManagedChannel target = ch;
        for (NodeMetadata n : md.getNodesList()) {
            if (n.getNodeId() == md.getControllerLeader()) {
                target = channelTo(n.getHost() + ":" + n.getClientPort());
            }
        }
        return ClientCalls.blockingUnaryCall(target, ConclaveGrpc.JOIN,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), joinRequest());
    }


    JoinRequest joinRequest() {
        return JoinRequest.newBuilder().setClusterId(clusterId == null ? "" : clusterId).setNodeId(config.nodeId())
                .setIncarnation(runtime.incarnation()).setHost(config.host()).setRaftPort(transport.port())
                .setClientPort(server.getPort()).setRack(config.rack()).build();
    }

    /** Registers this incarnation with the controller until it is in the image. */
    private void registerIfNeeded() {
        if (closed) {
            return;
        }
        try {
            NodeInfo me = image().nodes().get(config.nodeId());
            if (me != null && me.incarnation() == runtime.incarnation()) {
                registered = true;
                return;
            }
            String stale = me == null ? "" : staleIncarnation(config.nodeId(), me.incarnation(), runtime.incarnation());
            if (!stale.isEmpty()) {
                if (!stale.equals(registrationProblem)) {
                    LOG.log(Level.ERROR, stale);
                }
                registrationProblem = stale; // the controller would refuse it: asking again changes nothing
                return;
            }
            LeaderTable.Leader leader = runtime.leaderOf(NodeStateMachine.CONTROLLER_GROUP);
            if (leader.node() == config.nodeId()) {
                join(joinRequest()).get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            } else if (leader.node() != 0) {
                ManagedChannel ch = channelToNode(leader.node());
                if (ch != null) {
                    ClientCalls.blockingUnaryCall(ch, ConclaveGrpc.JOIN,
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), joinRequest());
                }
            }
        } catch (StatusRuntimeException | ExecutionException | TimeoutException e) {
            LOG.log(Level.DEBUG, "node {0} registration not done yet: {1}", config.nodeId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "node " + config.nodeId() + " registration failed", e);
        }
    }

    // ================================ reconciling ================================

    private void onImage(ClusterImage img) {
        for (NodeInfo n : img.nodes().values()) {
            addPeer(n.nodeId(), n.host(), n.raftPort());
        }
        scheduleReconcile();
    }

    private void scheduleReconcile() {
        if (!closed && reconcileQueued.compareAndSet(false, true)) {
            background.execute(() -> {
                reconcileQueued.set(false);
                reconcile();
            });
        }
    }

    /** Creates the replicas the image assigns to this node and it does not host yet. */
    private void reconcile() {
        synchronized (reconcileQueued) {
            reconcileNow();
        }
    }

    private void reconcileNow() {
        if (closed || runtime == null) {
            return;
        }
        reconciler.pass(image());
    }

    /** The node's partition replicas as the {@link Reconciler} sees them: the runtime's, created with a bounded wait. */
    private final class NodeReplicas implements Reconciler.Replicas {
        @Override
        public boolean hosts(long groupId) {
            return runtime.hostsGroup(groupId);
        }

        @Override
        public void retention(long groupId, PartitionLog.Retention retention) {
            stateMachine.partition(groupId).retention(retention);
        }

        @Override
        public void create(PartitionInfo p, boolean rejoining) {
            try {
                if (rejoining) {
                    awaitFuture(runtime.createRejoiningGroup(p.groupId(), new TreeSet<>(p.genesis())),
                            "creating the rejoining replica of group " + p.groupId());
                } else {
                    awaitFuture(runtime.createGroup(p.groupId(), new TreeSet<>(p.genesis()), p.genesis().get(0)),
                            "creating the replica of group " + p.groupId());
                }
                LOG.log(Level.INFO, "node {0} created its {1} replica of partition {2}/{3} (group {4})",
                        config.nodeId(), rejoining ? "rejoining" : "new", p.topicId(), p.partition(), p.groupId());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "node " + config.nodeId() + " could not create group " + p.groupId(), e);
            }
        }

        @Override
        public boolean destroyedHere(long groupId) {
            return runtime.destroyedGroups().contains(groupId);
        }

        @Override
        public Set<Long> destroyedRecords() {
            return runtime.destroyedGroups();
        }

        @Override
        public void forgetDestroyed(Set<Long> groupIds) {
            try {
                runtime.forgetDestroyedGroups(groupIds);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "node " + config.nodeId() + " could not drop the destruction records of groups "
                        + groupIds, e);
            }
        }
    }

    private void addPeer(long node, String host, int raftPort) {
        if (node == config.nodeId() || transport == null || transport.peers().contains(node)) {
            return;
        }
        try {
            transport.addPeer(node, host, raftPort);
            LOG.log(Level.INFO, "node {0} now talks to node {1} at {2}:{3}", config.nodeId(), node, host,
                    Integer.toString(raftPort));
        } catch (IllegalArgumentException alreadyAdded) {
            // raced with another caller: the peer is there
        }
    }

    // ================================ channels to other nodes ================================

    /** A client channel to another node's client port (for joins, registration and forwarding). */
    public ManagedChannel channelToNode(long node) {
        NodeInfo n = image().nodes().get(node);
        if (n != null) {
            return channelTo(n.host() + ":" + n.clientPort());
        }
        for (ServerConfig.ControllerSpec c : config.initialControllers()) {
            if (c.nodeId() == node) {
                return channelTo(c.host() + ":" + c.clientPort());
            }
        }
        return null;
    }

    private ManagedChannel channelTo(String hostPort) {
        return channels.computeIfAbsent(hostPort, k -> {
            int colon = hostPort.lastIndexOf(':');
            return NettyChannelBuilder.forAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))).usePlaintext().build();
        });
    }

    // ================================ accessors ================================

    @Override
    public long nodeId() {
        return config.nodeId();
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    public List<Long> controllerVoters() {
        return controllerVoters;
    }

    public RaftRuntime runtime() {
        return runtime;
    }

    public NodeStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public ClusterImage image() {
        return stateMachine.metadata().image();
    }

    @Override
    public Producing producing() {
        return producing;
    }

    /** The node-side face of produce and replication (validated writes, replication factor, status). */
    @Override
    public ReplicationManager replication() {
        return replication;
    }

    public ControllerOps controllerOps() {
        return controllerOps;
    }

    public ScheduledExecutorService scheduler() {
        return background;
    }

    /** The executor that serves fetches. */
    @Override
    public java.util.concurrent.Executor readers() {
        return readers;
    }

    @Override
    public boolean hostsGroup(long groupId) {
        return runtime.hostsGroup(groupId);
    }

    @Override
    public LeaderTable.Leader leaderOf(long groupId) {
        return runtime.leaderOf(groupId);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Long> read(long groupId, io.conclave.raft.ReadMode mode) {
        return runtime.read(groupId, mode);
    }

    @Override
    public java.util.concurrent.CompletableFuture<GroupStatus> status(long groupId) {
        return runtime.status(groupId);
    }

    @Override
    public java.util.concurrent.CompletableFuture<GroupStatus.WithProgress> statusWithProgress(long groupId) {
        return runtime.statusWithProgress(groupId);
    }

    @Override
    public PartitionLog partition(long groupId) {
        return stateMachine.partition(groupId);
    }

    @Override
    public io.conclave.raft.storage.RaftStorage raftLog(long groupId) {
        return runtime.storage().group(groupId);
    }

    @Override
    public java.util.concurrent.CompletableFuture<ClusterImage> executeOnController(
            java.util.function.Function<ClusterImage, ControllerResult<MetadataError>> op) {
        return controllerOps.execute(op);
    }

    @Override
    public <T> java.util.concurrent.CompletableFuture<T> withinRequestTimeout(java.util.concurrent.CompletableFuture<T> f) {
        return deadlines.failAfter(f, config.requestTimeoutMs());
    }

    @Override
    public <T> java.util.concurrent.CompletableFuture<T> completeAfter(java.util.concurrent.CompletableFuture<T> f,
                                                                      T value, long ms) {
        return deadlines.completeAfter(f, value, ms);
    }

    @Override
    public long wallClockMs() {
        return System.currentTimeMillis();
    }

    @Override
    public long newProducerId() {
        long id;
        synchronized (producerIds) {
            id = producerIds.nextLong() & Long.MAX_VALUE;
        }
        return id == 0 ? 1 : id;
    }

    public int clientPort() {
        return server.getPort();
    }

    public int raftPort() {
        return transport.port();
    }

    public GrpcTransport transport() {
        return transport;
    }

    /** Ready: registered with the controller (this incarnation is in the image) and serving. */
    public boolean isReady() {
        return registered && !closed && runtime.failure() == null;
    }

    /** Why the node is not ready, or "" when it is. */
    public String notReadyReason() {
        if (closed) {
            return "node is shutting down";
        }
        if (runtime.failure() != null) {
            return "runtime failed: " + runtime.failure();
        }
        if (registered) {
            return "";
        }
        String problem = registrationProblem;
        return problem.isEmpty() ? "not yet registered with the controller" : problem;
    }

    /**
     * Why this process can never register, or "" when it may: the controller only takes an incarnation
     * newer than the one it has, so a process whose incarnation (taken from the wall clock when its data
     * directory was created) is not newer stays unregistered for good — silently, until 2026-11-27 (the
     * simulator's wiped nodes with a clock set back: docs/simulation.md).
     */
    static String staleIncarnation(long nodeId, long registered, long mine) {
        if (registered <= mine) {
            return "";
        }
        return "node " + nodeId + " is registered with incarnation " + registered + ", newer than this process's "
                + mine + ": either another process of node " + nodeId + " started on a newer data directory, or"
                + " this data directory was created while the machine's clock was behind the one that last"
                + " registered the node; this process will not register or serve (fix the clock, stop the stale"
                + " process, then start on an empty data directory)";
    }

    // ================================ shutdown ================================

    /** Hands away leadership of every group this node leads (bounded wait), then stops everything. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (runtime != null && runtime.failure() == null) {
            try {
                handOffLeadership(TimeUnit.SECONDS.toNanos(5));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "node " + config.nodeId() + " could not hand off leadership", e);
            }
        }
        closeQuietly();
    }

    /** Stops at once, as a crash would (tests): no leadership hand-off. */
    public synchronized void halt() {
        closeQuietly();
    }

    private void handOffLeadership(long boundNs) {
        long deadline = System.nanoTime() + boundNs;
        // A peer's preferred-leader hand-off (after 3 s of a stable term) would give leaderships back.
        runtime.refuseHandedLeadership();
        List<Long> led = new ArrayList<>();
        for (long gid : runtime.storage().groupIds()) {
            if (runtime.leaderOf(gid).node() == config.nodeId()) {
                led.add(gid);
            }
        }
        if (led.isEmpty()) {
            return;
        }
        // One transfer per group, then again every half second to the next candidate while the group
        // is still led here: a target that just restarted may not be able to take it.
        int still = led.size();
        for (int attempt = 0; still > 0 && System.nanoTime() < deadline; attempt++) {
            for (long gid : led) {
                if (runtime.leaderOf(gid).node() == config.nodeId()) {
                    transferToCandidate(gid, attempt);
                }
            }
            long retryAt = Math.min(deadline, System.nanoTime() + 500_000_000L);
            do {
                still = (int) led.stream().filter(gid -> runtime.leaderOf(gid).node() == config.nodeId()).count();
                if (still > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
            } while (still > 0 && System.nanoTime() < retryAt);
        }
        LOG.log(Level.INFO, "node {0} handed off {1} of {2} leaderships before stopping", config.nodeId(),
                led.size() - still, led.size());
    }

    /** Asks the group to hand leadership to its {@code attempt}-th voter by match (round robin). */
    private void transferToCandidate(long gid, int attempt) {
        try {
            io.conclave.raft.RaftStatus st = runtime.raftStatus(gid).get(1, TimeUnit.SECONDS);
            List<Map.Entry<Long, io.conclave.raft.RaftStatus.PeerProgress>> voters = new ArrayList<>();
            for (Map.Entry<Long, io.conclave.raft.RaftStatus.PeerProgress> e : st.progress().entrySet()) {
                if (e.getKey() != config.nodeId() && !e.getValue().learner()) {
                    voters.add(e);
                }
            }
            if (!voters.isEmpty()) {
                voters.sort((x, y) -> Long.compare(y.getValue().match(), x.getValue().match()));
                runtime.transferLeadership(gid, voters.get(attempt % voters.size()).getKey());
            }
        } catch (ExecutionException | TimeoutException e) {
            // the group is busy or gone: its followers fail over by liveness
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Produce calls run on the network thread that read them (one thread hand-off fewer on the
     * acknowledgement path): the produce path only validates, copies and queues — it never blocks.
     * Inside a {@link HelpScope}: once the handler returned, the same thread runs the partition's
     * loop turn that appends the batch and sends it to the followers, when the loop is free.
     * Every other call runs on {@link #callPool}, since admin calls wait on the controller.
     */
    private <Q> java.util.concurrent.Executor callExecutor(io.grpc.ServerCall<Q, ?> call, io.grpc.Metadata headers) {
        return call.getMethodDescriptor() == ConclaveGrpc.PRODUCE ? HelpScope::run : callPool;
    }

    private void closeQuietly() {
        closed = true;
        if (server != null) {
            server.shutdownNow();
        }
        if (background != null) {
            background.shutdownNow();
        }
        if (callPool != null) {
            callPool.shutdownNow();
        }
        if (readers != null) {
            readers.shutdownNow();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (producing != null) {
            producing.close();
        }
        if (controllerWorker != null) {
            controllerWorker.shutdownNow();
        }
        if (runtime != null) {
            try {
                runtime.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "node " + config.nodeId() + " closing storage", e);
            }
        }
    }

    /**
     * Registers a node (a join or a restart) and makes it a learner of the controller group if it is not a
     * member; on the controller's leader only ({@code NOT_CONTROLLER} elsewhere).
     */
    public java.util.concurrent.CompletableFuture<JoinResponse> join(JoinRequest req) {
        if (!req.getClusterId().isEmpty() && !req.getClusterId().equals(clusterId)) {
            return java.util.concurrent.CompletableFuture.failedFuture(ApiErrors.error(ErrorCode.CLUSTER_ID_MISMATCH,
                    "node " + req.getNodeId() + " belongs to cluster " + req.getClusterId() + ", this is cluster "
                            + clusterId));
        }
        long g = NodeStateMachine.CONTROLLER_GROUP;
        return controllerOps.execute(img -> {
            NodeInfo known = img.nodes().get(req.getNodeId());
            if (known != null && known.incarnation() == req.getIncarnation()) {
                return ControllerResult.of(MetadataError.NONE);
            }
            return TopicHandlers.registerNode(img, req.getNodeId(), req.getIncarnation(), req.getHost(),
                    req.getRaftPort(), req.getClientPort(), req.getRack());
        }).thenCompose(img -> runtime.status(g)).thenCompose(st -> st.confState().allMembers().contains(req.getNodeId())
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : runtime.changeMembership(g, io.conclave.raft.ConfChange.addLearner(req.getNodeId())))
                .orTimeout(config.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .thenApply(ignored -> {
                    JoinResponse.Builder b = JoinResponse.newBuilder().setClusterId(clusterId)
                            .addAllControllerVoters(controllerVoters);
                    for (NodeInfo n : image().nodes().values()) {
                        b.addNodes(NodeMetadata.newBuilder().setNodeId(n.nodeId()).setHost(n.host())
                                .setRaftPort(n.raftPort()).setClientPort(n.clientPort()).setRack(n.rack())
                                .setIncarnation(n.incarnation()));
                    }
                    return b.build();
                });
    }

    /** The controller's changes on this node: the runtime's controller group, its own thread, the wall clock. */
    private final class ControllerHost implements ControllerOps.Host {
        @Override
        public long nodeId() {
            return config.nodeId();
        }

        @Override
        public long leader() {
            return runtime.leaderOf(NodeStateMachine.CONTROLLER_GROUP).node();
        }

        @Override
        public io.conclave.server.metadata.MetadataLog metadata() {
            return stateMachine.metadata();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Long> readBarrier() {
            return closed ? null : runtime.read(NodeStateMachine.CONTROLLER_GROUP, io.conclave.raft.ReadMode.READ_INDEX);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Long> propose(byte[] batch) {
            return closed ? null : runtime.propose(NodeStateMachine.CONTROLLER_GROUP, batch);
        }

        @Override
        public boolean serving() {
            return !closed;
        }

        @Override
        public void applied(long index) {
            LOG.log(Level.DEBUG, "node {0}: metadata change applied at {1}", config.nodeId(), index);
        }

        @Override
        public void execute(Runnable step) {
            controllerWorker.execute(step);
        }

        @Override
        public void schedule(long delayNs, Runnable step) {
            controllerWorker.schedule(step, delayNs, TimeUnit.NANOSECONDS);
        }

        @Override
        public long requestTimeoutNs() {
            return TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        }
    }

    /** The data plane's view of this node. */
    private final class Host implements io.conclave.server.partition.PartitionHost {
        @Override
        public long nodeId() {
            return config.nodeId();
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            return runtime.leaderOf(groupId);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Long> propose(long groupId, byte[] data) {
            return runtime.propose(groupId, data);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Long> proposeAppended(long groupId, byte[] data) {
            return runtime.proposeAppended(groupId, data);
        }

        @Override
        public io.conclave.server.partition.PartitionLog partition(long groupId) {
            return stateMachine.partition(groupId);
        }

        @Override
        public io.conclave.raft.storage.RaftStorage log(long groupId) {
            return runtime.storage().group(groupId);
        }

        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }
    }

    // ================================ helpers ================================

    private <T> T awaitFuture(java.util.concurrent.CompletableFuture<T> f, String what) throws IOException {
        try {
            return f.get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted");
        }
    }

    private static void sleepBackoff(int attempt) {
        long ms = Math.min(1000, 50L << Math.min(attempt, 5));
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                ms / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms / 2 + 1)));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
