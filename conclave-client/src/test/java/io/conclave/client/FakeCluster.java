package io.conclave.client;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ClusterStatusRequest;
import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.CreateTopicRequest;
import io.conclave.api.proto.CreateTopicResponse;
import io.conclave.api.proto.DeleteTopicRequest;
import io.conclave.api.proto.DeleteTopicResponse;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.FetchedRecord;
import io.conclave.api.proto.InitProducerRequest;
import io.conclave.api.proto.InitProducerResponse;
import io.conclave.api.proto.JoinRequest;
import io.conclave.api.proto.JoinResponse;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.api.proto.NodeStatus;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.conclave.api.proto.ReplicaDigestRequest;
import io.conclave.api.proto.ReplicaDigestResponse;
import io.conclave.api.proto.ReplicaStatus;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.api.proto.AlterTopicConfigRequest;
import io.conclave.api.proto.AlterTopicConfigResponse;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.api.proto.SetReplicationFactorResponse;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.api.proto.TransferLeaderRequest;
import io.conclave.api.proto.TransferLeaderResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fake Conclave cluster for client tests: {@code n} nodes, each a real gRPC server on a loopback
 * port serving ClientService and AdminService over one shared in-memory state (topics, partitions
 * with logs, a configurable leader per partition, producer dedupe by (producer, sequence)). Calls to
 * a node that does not lead the partition answer NOT_LEADER (with a hint unless switched off); admin
 * mutations on a node other than the controller answer NOT_CONTROLLER with a hint. Fault switches:
 * frozen (stale) metadata, dropped acks after the write, BACK_PRESSURE, a forced error, held
 * responses. Every call is logged for assertions. All state under the cluster's monitor.
 */
final class FakeCluster implements AutoCloseable {

    static final String CLUSTER_ID = "fake-cluster";

    /** One Produce call as a node saw it: which node, the request, the encoding, what it answered. */
    record ProduceCall(long node, ProduceRequest request, String encoding, String outcome, long atNs) {
    }

    record FetchCall(long node, FetchRequest request, String outcome) {
    }

    record AdminCall(long node, String method, String outcome) {
    }

    private static final class Partition {
        final int id;
        final long rangeStart;
        final long rangeEnd;
        long leader;
        List<Long> replicas;
        final List<Record> log = new ArrayList<>();
        final Map<Long, Map<Integer, Long>> baseBySequence = new HashMap<>();
        final List<Runnable> waiters = new ArrayList<>();
        /** Produces that arrived ahead of their producer's next sequence, as a real leader holds them. */
        final List<java.util.function.Supplier<Runnable>> parked = new ArrayList<>();

        Partition(int id, long rangeStart, long rangeEnd, long leader, List<Long> replicas) {
            this.id = id;
            this.rangeStart = rangeStart;
            this.rangeEnd = rangeEnd;
            this.leader = leader;
            this.replicas = replicas;
        }
    }

    /** Parked produces per partition before a gap is refused at once, as a real leader bounds them. */
    static final int PARKED_MAX = 64;

    private static final class Topic {
        final String name;
        final long id;
        int replicationFactor;
        final Map<String, String> config;
        final List<Partition> partitions = new ArrayList<>();

        Topic(String name, long id, int replicationFactor, Map<String, String> config) {
            this.name = name;
            this.id = id;
            this.replicationFactor = replicationFactor;
            this.config = config;
        }
    }

    private final List<Server> servers = new ArrayList<>();
    private final Map<Long, NodeMetadata> nodes = new LinkedHashMap<>();
    private final Map<String, Topic> topics = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private long nextTopicId = 1;
    private long nextProducerId = 100;
    private long controller = 1;
    private boolean reportController = true;
    private volatile boolean leaderHints = true;
    private MetadataResponse frozenMetadata;
    private int dropAcks;
    private int swallowAcks;
    private int backPressure;
    private int forcedErrors;
    private ErrorCode forcedError;
    private boolean holdResponses;
    private boolean refuseGaps;
    private final List<Runnable> held = new ArrayList<>();

    final List<ProduceCall> produceCalls = new CopyOnWriteArrayList<>();
    final List<FetchCall> fetchCalls = new CopyOnWriteArrayList<>();
    final List<AdminCall> adminCalls = new CopyOnWriteArrayList<>();

    private FakeCluster() {
    }

    /** Starts {@code n} nodes with ids 1..n; node i is on rack "r" + i. */
    static FakeCluster start(int n) throws IOException {
        FakeCluster c = new FakeCluster();
        for (long id = 1; id <= n; id++) {
            Node node = c.new Node(id);
            // directExecutor: one connection's calls are handled in arrival order (a real node may
            // take pipelined batches in any order; both hold a batch that arrives ahead of its gap).
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .directExecutor()
                    .addService(ServerInterceptors.intercept(ConclaveGrpc.bindClient(node), node.encodingSpy()))
                    .addService(ConclaveGrpc.bindAdmin(node))
                    .build()
                    .start();
            c.servers.add(server);
            c.nodes.put(id, NodeMetadata.newBuilder().setNodeId(id).setHost("127.0.0.1").setClientPort(server.getPort())
                    .setRaftPort(0).setRack("r" + id).setIncarnation(1).build());
        }
        return c;
    }

    String address(long node) {
        return "127.0.0.1:" + nodes.get(node).getClientPort();
    }

    ClientConfig clientConfig() {
        return ClientConfig.of(address(1)).withRequestTimeoutMs(30_000).withRetryBackoffMs(5, 50);
    }

    // ---- setup and fault switches ----

    /** A topic with even hash ranges; partition p led by node (p % n) + 1, replicas all nodes up to rf. */
    synchronized void createTopic(String name, int partitions, int rf) {
        createTopicLocked(name, partitions, rf, Map.of());
    }

    synchronized void createTopic(String name, int partitions, int rf, Map<String, String> config) {
        createTopicLocked(name, partitions, rf, config);
    }

    /** Stops node {@code node}'s server as a crash would: its connections drop, calls to it fail UNAVAILABLE. */
    void kill(long node) {
        Server s = servers.get((int) node - 1);
        s.shutdownNow();
        try {
            s.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void setLeader(String topic, int partition, long node) {
        topics.get(topic).partitions.get(partition).leader = node;
    }

    synchronized long leader(String topic, int partition) {
        return topics.get(topic).partitions.get(partition).leader;
    }

    /** Metadata answers stay as they are now, whatever changes later. */
    synchronized void freezeMetadata() {
        frozenMetadata = metadataLocked(MetadataRequest.getDefaultInstance());
    }

    synchronized void unfreezeMetadata() {
        frozenMetadata = null;
    }

    synchronized void leaderHints(boolean on) {
        leaderHints = on;
    }

    synchronized void controller(long node, boolean reportedInMetadata) {
        controller = node;
        reportController = reportedInMetadata;
    }

    /** The next {@code n} accepted produces are written, then answered UNAVAILABLE as a lost connection. */
    synchronized void dropAcks(int n) {
        dropAcks = n;
    }

    /** The next {@code n} accepted produces are written and never answered (the client's deadline fires). */
    synchronized void swallowAcks(int n) {
        swallowAcks = n;
    }

    synchronized void backPressure(int n) {
        backPressure = n;
    }

    synchronized void failProduces(ErrorCode code, int n) {
        forcedError = code;
        forcedErrors = n;
    }

    /** A produce ahead of its producer's next sequence is refused at once instead of parked. */
    synchronized void refuseGaps() {
        refuseGaps = true;
    }

    /** Accepted produces are written but answered only at {@link #releaseHeld}. */
    synchronized void holdResponses() {
        holdResponses = true;
    }

    void releaseHeld() {
        List<Runnable> out;
        synchronized (this) {
            holdResponses = false;
            out = new ArrayList<>(held);
            held.clear();
        }
        out.forEach(Runnable::run);
    }

    synchronized int heldResponses() {
        return held.size();
    }

    synchronized List<Record> log(String topic, int partition) {
        return List.copyOf(topics.get(topic).partitions.get(partition).log);
    }

    /** Produce calls that were answered successfully (duplicates included). */
    List<ProduceCall> acceptedProduces() {
        return produceCalls.stream().filter(c -> c.outcome().equals("OK") || c.outcome().equals("DUPLICATE")).toList();
    }

    // ---- state ----

    private void createTopicLocked(String name, int partitions, int rf, Map<String, String> config) {
        Topic t = new Topic(name, nextTopicId++, rf, new HashMap<>(config));
        long[][] ranges = io.conclave.partition.metadata.KeyHash.evenRanges(partitions);
        List<Long> ids = new ArrayList<>(nodes.keySet());
        for (int p = 0; p < partitions; p++) {
            List<Long> replicas = new ArrayList<>();
            for (int r = 0; r < Math.min(rf, ids.size()); r++) {
                replicas.add(ids.get((p + r) % ids.size()));
            }
            t.partitions.add(new Partition(p, ranges[p][0], ranges[p][1], replicas.get(0), replicas));
        }
        topics.put(name, t);
    }

    private TopicMetadata topicMetadata(Topic t) {
        TopicMetadata.Builder b = TopicMetadata.newBuilder().setName(t.name).setTopicId(t.id)
                .setReplicationFactor(t.replicationFactor).putAllConfig(t.config);
        for (Partition p : t.partitions) {
            b.addPartitions(PartitionMetadata.newBuilder().setPartition(p.id).setGroupId(t.id * 1000 + p.id)
                    .setRangeStart(p.rangeStart).setRangeEnd(p.rangeEnd).addAllReplicas(p.replicas)
                    .setLeader(p.leader).setState("ACTIVE").setEpoch(1));
        }
        return b.build();
    }

    private MetadataResponse metadataLocked(MetadataRequest req) {
        MetadataResponse.Builder b = MetadataResponse.newBuilder().setClusterId(CLUSTER_ID).addAllNodes(nodes.values())
                .setControllerLeader(reportController ? controller : 0).setMetadataOffset(nextTopicId);
        for (Topic t : topics.values()) {
            if (req.getTopicsCount() == 0 || req.getTopicsList().contains(t.name)) {
                b.addTopics(topicMetadata(t));
            }
        }
        return b.build();
    }

    private static <T> void answer(StreamObserver<T> obs, T value) {
        obs.onNext(value);
        obs.onCompleted();
    }

    private void error(StreamObserver<?> obs, ErrorCode code, String message, long leader) {
        obs.onError(ApiErrors.error(code, message, leaderHints ? leader : 0));
    }

    /** One node's view: the handlers, each checking leadership against this node's id. */
    final class Node implements ConclaveGrpc.ClientHandler, ConclaveGrpc.AdminHandler {

        final long id;
        private final ThreadLocal<String> encoding = new ThreadLocal<>();

        Node(long id) {
            this.id = id;
        }

        ServerInterceptor encodingSpy() {
            Metadata.Key<String> key = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
            return new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                  ServerCallHandler<Q, R> next) {
                    String enc = headers.get(key);
                    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
                    return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(delegate) {
                        @Override
                        public void onHalfClose() {
                            encoding.set(enc == null ? "identity" : enc);
                            try {
                                super.onHalfClose();
                            } finally {
                                encoding.remove();
                            }
                        }
                    };
                }
            };
        }

        @Override
        public void produce(ProduceRequest req, StreamObserver<ProduceResponse> obs) {
            Runnable reply;
            synchronized (FakeCluster.this) {
                reply = produceLocked(req, obs, encoding.get());
            }
            if (reply != null) {
                reply.run();
            }
        }

        private Runnable produceLocked(ProduceRequest req, StreamObserver<ProduceResponse> obs, String enc) {
            Topic t = topics.get(req.getTopic());
            String outcome;
            if (t == null) {
                return log(req, enc, "UNKNOWN_TOPIC", () -> error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0));
            }
            int pid = req.getPartition();
            if (pid == -1 && req.getRecordsCount() > 0) {
                long h = KeyHash.of(req.getRecords(0).getKey().toByteArray());
                for (Partition p : t.partitions) {
                    if (Long.compareUnsigned(p.rangeStart, h) <= 0 && Long.compareUnsigned(h, p.rangeEnd) <= 0) {
                        pid = p.id;
                    }
                }
            }
            if (pid < 0 || pid >= t.partitions.size()) {
                return log(req, enc, "UNKNOWN_PARTITION", () -> error(obs, ErrorCode.UNKNOWN_PARTITION, "no partition " + req.getPartition(), 0));
            }
            Partition p = t.partitions.get(pid);
            if (req.getRecordsCount() == 0) {
                return log(req, enc, "INVALID_REQUEST", () -> error(obs, ErrorCode.INVALID_REQUEST, "empty batch", 0));
            }
            if (p.leader != id) {
                return log(req, enc, "NOT_LEADER", () -> error(obs, ErrorCode.NOT_LEADER, "node " + id + " does not lead", p.leader));
            }
            if (backPressure > 0) {
                backPressure--;
                return log(req, enc, "BACK_PRESSURE", () -> error(obs, ErrorCode.BACK_PRESSURE, "busy", 0));
            }
            if (forcedErrors > 0) {
                forcedErrors--;
                ErrorCode code = forcedError;
                return log(req, enc, code.name(), () -> error(obs, code, "forced", p.leader));
            }
            int maxBytes = Integer.parseInt(t.config.getOrDefault("max.message.bytes", "1000000"));
            for (Record r : req.getRecordsList()) {
                if (r.getSerializedSize() > maxBytes) {
                    return log(req, enc, "RECORD_TOO_LARGE", () -> error(obs, ErrorCode.RECORD_TOO_LARGE,
                            "record of " + r.getSerializedSize() + " bytes > max.message.bytes " + maxBytes, 0));
                }
            }
            long base;
            boolean duplicate = false;
            if (req.getProducerId() > 0) {
                Map<Integer, Long> seen = p.baseBySequence.computeIfAbsent(req.getProducerId(), k -> new HashMap<>());
                int expected = seen.size();
                if (req.getSequence() < expected) {
                    duplicate = true;
                } else if (req.getSequence() > expected && p.parked.size() < PARKED_MAX && !refuseGaps) {
                    p.parked.add(() -> produceLocked(req, obs, enc));
                    return null; // answered once the gap fills (a real leader would refuse it after a wait)
                } else if (req.getSequence() > expected) {
                    return log(req, enc, "OUT_OF_ORDER_SEQUENCE", () -> error(obs, ErrorCode.OUT_OF_ORDER_SEQUENCE,
                            "expected sequence " + expected + ", got " + req.getSequence(), 0));
                }
                if (duplicate) {
                    base = seen.get(req.getSequence());
                } else {
                    base = append(p, req);
                    seen.put(req.getSequence(), base);
                }
            } else {
                base = append(p, req);
            }
            outcome = duplicate ? "DUPLICATE" : "OK";
            ProduceResponse resp = ProduceResponse.newBuilder().setPartition(pid).setBaseOffset(base)
                    .setDuplicate(duplicate).setLeaderNode(id).build();
            List<Runnable> wake = new ArrayList<>(p.waiters);
            p.waiters.clear();
            if (!duplicate && !p.parked.isEmpty()) {
                List<java.util.function.Supplier<Runnable>> again = new ArrayList<>(p.parked);
                p.parked.clear();
                for (java.util.function.Supplier<Runnable> parked : again) {
                    Runnable answer = parked.get();
                    if (answer != null) {
                        wake.add(answer);
                    }
                }
            }
            Runnable reply;
            if (swallowAcks > 0 && !duplicate) {
                swallowAcks--;
                outcome = outcome + "+SWALLOWED";
                reply = () -> { };
            } else if (dropAcks > 0 && !duplicate) {
                dropAcks--;
                outcome = outcome + "+DROPPED";
                reply = () -> obs.onError(Status.UNAVAILABLE.withDescription("fake: connection reset").asRuntimeException());
            } else {
                reply = () -> answer(obs, resp);
            }
            if (holdResponses) {
                held.add(reply);
                reply = () -> { };
            }
            Runnable r = reply;
            return log(req, enc, outcome, () -> {
                wake.forEach(Runnable::run);
                r.run();
            });
        }

        private long append(Partition p, ProduceRequest req) {
            long base = p.log.size();
            for (Record r : req.getRecordsList()) {
                p.log.add(r.getTimestampMs() == 0 ? r.toBuilder().setTimestampMs(1_000_000 + p.log.size()).build() : r);
            }
            return base;
        }

        private Runnable log(ProduceRequest req, String enc, String outcome, Runnable reply) {
            produceCalls.add(new ProduceCall(id, req, enc, outcome, System.nanoTime()));
            return reply;
        }

        @Override
        public void fetch(FetchRequest req, StreamObserver<FetchResponse> obs) {
            Runnable reply;
            synchronized (FakeCluster.this) {
                reply = fetchLocked(req, obs, false);
            }
            if (reply != null) {
                reply.run();
            }
        }

        /** Null when parked as a long-poll waiter. */
        private Runnable fetchLocked(FetchRequest req, StreamObserver<FetchResponse> obs, boolean expired) {
            Topic t = topics.get(req.getTopic());
            if (t == null) {
                return fetchLog(req, "UNKNOWN_TOPIC", () -> error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic", 0));
            }
            if (req.getPartition() < 0 || req.getPartition() >= t.partitions.size()) {
                return fetchLog(req, "UNKNOWN_PARTITION", () -> error(obs, ErrorCode.UNKNOWN_PARTITION, "no partition", 0));
            }
            Partition p = t.partitions.get(req.getPartition());
            boolean eventual = req.getConsistency() == ConsistencyLevel.EVENTUAL;
            if (eventual ? !p.replicas.contains(id) : p.leader != id) {
                return fetchLog(req, "NOT_LEADER", () -> error(obs, ErrorCode.NOT_LEADER, "node " + id + " cannot serve", p.leader));
            }
            if (req.getOffset() < 0 || req.getOffset() > p.log.size()) {
                return fetchLog(req, "OFFSET_OUT_OF_RANGE", () -> error(obs, ErrorCode.OFFSET_OUT_OF_RANGE,
                        "offset " + req.getOffset() + " not in [0, " + p.log.size() + "]", 0));
            }
            if (req.getOffset() == p.log.size() && req.getMaxWaitMs() > 0 && !expired) {
                boolean[] done = {false};
                Runnable wake = () -> {
                    Runnable r;
                    synchronized (FakeCluster.this) {
                        if (done[0]) {
                            return;
                        }
                        done[0] = true;
                        r = fetchLocked(req, obs, true);
                    }
                    r.run();
                };
                p.waiters.add(wake);
                timer.schedule(wake, req.getMaxWaitMs(), TimeUnit.MILLISECONDS);
                fetchCalls.add(new FetchCall(id, req, "PARKED"));
                return null;
            }
            FetchResponse.Builder b = FetchResponse.newBuilder().setHighWatermark(p.log.size()).setLogStartOffset(0)
                    .setServedByNode(id);
            int maxBytes = req.getMaxBytes() == 0 ? 1 << 20 : req.getMaxBytes();
            int bytes = 0;
            for (long o = req.getOffset(); o < p.log.size(); o++) {
                Record r = p.log.get((int) o);
                if (b.getRecordsCount() > 0 && bytes + r.getSerializedSize() > maxBytes) {
                    break;
                }
                bytes += r.getSerializedSize();
                b.addRecords(FetchedRecord.newBuilder().setOffset(o).setRecord(r));
            }
            FetchResponse resp = b.build();
            return fetchLog(req, "OK:" + resp.getRecordsCount(), () -> answer(obs, resp));
        }

        private Runnable fetchLog(FetchRequest req, String outcome, Runnable reply) {
            fetchCalls.add(new FetchCall(id, req, outcome));
            return reply;
        }

        @Override
        public void metadata(MetadataRequest req, StreamObserver<MetadataResponse> obs) {
            MetadataResponse resp;
            synchronized (FakeCluster.this) {
                resp = frozenMetadata != null ? frozenMetadata : metadataLocked(req);
            }
            answer(obs, resp);
        }

        @Override
        public void initProducer(InitProducerRequest req, StreamObserver<InitProducerResponse> obs) {
            long pid;
            synchronized (FakeCluster.this) {
                pid = nextProducerId++;
            }
            answer(obs, InitProducerResponse.newBuilder().setProducerId(pid).build());
        }

        /** Null when this node is the controller; otherwise the NOT_CONTROLLER answer to send. */
        private boolean notController(String method, StreamObserver<?> obs) {
            if (id == controller) {
                adminCalls.add(new AdminCall(id, method, "OK"));
                return false;
            }
            adminCalls.add(new AdminCall(id, method, "NOT_CONTROLLER"));
            error(obs, ErrorCode.NOT_CONTROLLER, "node " + id + " is not the controller", controller);
            return true;
        }

        @Override
        public void createTopic(CreateTopicRequest req, StreamObserver<CreateTopicResponse> obs) {
            synchronized (FakeCluster.this) {
                if (notController("CreateTopic", obs)) {
                    return;
                }
                if (req.getName().isEmpty() || req.getPartitions() < 1 || req.getReplicationFactor() < 1) {
                    error(obs, ErrorCode.INVALID_REQUEST, "name, partitions >= 1 and replication_factor >= 1 needed", 0);
                    return;
                }
                if (topics.containsKey(req.getName())) {
                    error(obs, ErrorCode.TOPIC_EXISTS, "topic " + req.getName() + " exists", 0);
                    return;
                }
                createTopicLocked(req.getName(), req.getPartitions(), req.getReplicationFactor(), req.getConfigMap());
                answer(obs, CreateTopicResponse.newBuilder().setTopic(topicMetadata(topics.get(req.getName()))).build());
            }
        }

        @Override
        public void deleteTopic(DeleteTopicRequest req, StreamObserver<DeleteTopicResponse> obs) {
            synchronized (FakeCluster.this) {
                if (notController("DeleteTopic", obs)) {
                    return;
                }
                if (topics.remove(req.getName()) == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getName(), 0);
                    return;
                }
                answer(obs, DeleteTopicResponse.getDefaultInstance());
            }
        }

        @Override
        public void alterTopicConfig(AlterTopicConfigRequest req, StreamObserver<AlterTopicConfigResponse> obs) {
            synchronized (FakeCluster.this) {
                if (notController("AlterTopicConfig", obs)) {
                    return;
                }
                Topic t = topics.get(req.getTopic());
                if (t == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0);
                    return;
                }
                for (Map.Entry<String, String> e : req.getExpectedMap().entrySet()) {
                    if (!e.getValue().equals(t.config.get(e.getKey()))) {
                        error(obs, ErrorCode.CONFIG_MISMATCH, "config '" + e.getKey() + "' is " + t.config.get(e.getKey()), 0);
                        return;
                    }
                }
                t.config.putAll(req.getSetMap());
                answer(obs, AlterTopicConfigResponse.newBuilder().setTopic(topicMetadata(t)).build());
            }
        }

        @Override
        public void setReplicationFactor(SetReplicationFactorRequest req, StreamObserver<SetReplicationFactorResponse> obs) {
            synchronized (FakeCluster.this) {
                if (notController("SetReplicationFactor", obs)) {
                    return;
                }
                Topic t = topics.get(req.getTopic());
                if (t == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0);
                    return;
                }
                t.replicationFactor = req.getReplicationFactor();
                answer(obs, SetReplicationFactorResponse.newBuilder().setTopic(topicMetadata(t)).build());
            }
        }

        @Override
        public void replicationStatus(ReplicationStatusRequest req, StreamObserver<ReplicationStatusResponse> obs) {
            synchronized (FakeCluster.this) {
                adminCalls.add(new AdminCall(id, "ReplicationStatus", "OK"));
                Topic t = topics.get(req.getTopic());
                if (t == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0);
                    return;
                }
                Partition p = t.partitions.get(req.getPartition());
                ReplicationStatusResponse.Builder b = ReplicationStatusResponse.newBuilder().setLeader(p.leader).setTerm(1)
                        .setCommitIndex(p.log.size());
                for (long r : p.replicas) {
                    b.addReplicas(ReplicaStatus.newBuilder().setNodeId(r).setMatchIndex(p.log.size()).setVoter(true));
                }
                answer(obs, b.build());
            }
        }

        @Override
        public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> obs) {
            synchronized (FakeCluster.this) {
                adminCalls.add(new AdminCall(id, "ClusterStatus", "OK"));
                ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder().setClusterId(CLUSTER_ID)
                        .setControllerLeader(controller).setTopics(topics.size());
                int partitions = 0;
                for (Topic t : topics.values()) {
                    partitions += t.partitions.size();
                }
                b.setPartitions(partitions);
                for (NodeMetadata n : nodes.values()) {
                    b.addNodes(NodeStatus.newBuilder().setNode(n).setAlive(true));
                }
                answer(obs, b.build());
            }
        }

        @Override
        public void join(JoinRequest req, StreamObserver<JoinResponse> obs) {
            synchronized (FakeCluster.this) {
                answer(obs, JoinResponse.newBuilder().setClusterId(CLUSTER_ID).addAllNodes(nodes.values()).build());
            }
        }

        @Override
        public void replicaDigest(ReplicaDigestRequest req, StreamObserver<ReplicaDigestResponse> obs) {
            synchronized (FakeCluster.this) {
                adminCalls.add(new AdminCall(id, "ReplicaDigest", "OK"));
                Topic t = topics.get(req.getTopic());
                if (t == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0);
                    return;
                }
                Partition p = t.partitions.get(req.getPartition());
                long digest = 17;
                for (Record r : p.log) {
                    digest = digest * 31 + r.hashCode();
                }
                answer(obs, ReplicaDigestResponse.newBuilder().setNodeId(id).setNextOffset(p.log.size())
                        .setDigest(digest).setAppliedIndex(p.log.size()).build());
            }
        }

        @Override
        public void transferLeader(TransferLeaderRequest req, StreamObserver<TransferLeaderResponse> obs) {
            synchronized (FakeCluster.this) {
                if (notController("TransferLeader", obs)) {
                    return;
                }
                Topic t = topics.get(req.getTopic());
                if (t == null) {
                    error(obs, ErrorCode.UNKNOWN_TOPIC, "no topic " + req.getTopic(), 0);
                    return;
                }
                t.partitions.get(req.getPartition()).leader = req.getToNode();
                answer(obs, TransferLeaderResponse.getDefaultInstance());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Server s : servers) {
            s.shutdownNow();
        }
        try {
            for (Server s : servers) {
                s.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
