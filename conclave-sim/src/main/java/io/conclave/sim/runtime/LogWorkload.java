package io.conclave.sim.runtime;

import com.google.protobuf.ByteString;
import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.FetchedRecord;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.conclave.check.history.History;
import io.conclave.check.history.HistoryRecorder;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.HistoryRecorder.Request;
import io.conclave.check.history.Level;
import io.conclave.check.log.ReplicaLog;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.KeyHash;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.PartitionState;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.api.ClientApi;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.PartitionReader;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;

/**
 * Clients of the data plane: each is bound to one partition ({@code "p<group>"}, at most
 * {@link LogOptions#clientsPerPartition} clients each) and runs one operation at a time, recorded
 * in the shared history format. Every operation is a request to a node's {@link ClientApi}, the server's
 * own handlers behind its gRPC service (produce through {@code NodeReplication} and {@code Producing};
 * fetch through the read barrier of its level and {@link PartitionReader}), called in-process with the
 * request a client would send. Odd groups are strong partitions (appends at {@code strong} or
 * {@code linearizable}, reads at {@code strong} or {@code linearizable}); even groups are eventual
 * partitions (appends acknowledged on the leader's append, reads from any replica). An append is
 * retried, to the leader it was told of, with the same producer id and sequence until it is
 * acknowledged or its time runs out ({@code unknown}; the client then takes a new producer id). The
 * checks' own reads of every replica ({@link #finalLogs}) read the {@link PartitionLog} directly. Runs on
 * the scheduler's thread.
 */
final class LogWorkload {

    /** The topic the nodes' request handlers serve ({@link #image}). */
    static final String TOPIC = "sim";
    private static final long TOPIC_ID = 1;
    private static final int READ_BYTES_MAX = 1 << 20;
    private static final long RETRY_NS = 10_000_000L;
    private static final long ATTEMPT_NS_MAX = 1_000_000_000L;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final RuntimeSimConfig config;
    private final LogOptions options;
    private final HistoryRecorder recorder;
    private final int partitions;
    private final Routing routing;
    private final long[] knownLength;
    private final LongFunction<Set<Long>> votersOf;
    private final List<Client> clients = new ArrayList<>();
    private long producerIds;
    private boolean stopped;

    private final class Client {
        int id = recorder.newClient();
        final int index;
        final long group;
        long producerId = ++producerIds;
        int sequence = -1; // a producer's first batch is sequence 0
        long counter;

        Client(int index, long group) {
            this.index = index;
            this.group = group;
        }

        void renew() {
            id = recorder.newClient();
            producerId = ++producerIds;
            sequence = -1;
        }
    }

    LogWorkload(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, RuntimeSimConfig config,
                LogOptions options, LongFunction<Set<Long>> votersOf) {
        this.scheduler = scheduler;
        this.votersOf = votersOf;
        this.random = random;
        this.trace = trace;
        this.nodes = nodes;
        this.routing = new Routing(nodes, random);
        this.config = config;
        this.options = options.validate();
        this.recorder = new HistoryRecorder(scheduler::nowNs);
        this.partitions = Math.min(config.groups(), config.activeGroupsMax());
        this.knownLength = new long[partitions + 1];
    }

    static String keyOf(long group) {
        return "p" + group;
    }

    /**
     * The metadata image the nodes' request handlers serve: one topic, {@link #TOPIC}, whose partition
     * {@code g - 1} is group {@code g}, on the group's current voters.
     */
    ClusterImage image() {
        long[][] ranges = KeyHash.evenRanges(partitions);
        List<PartitionInfo> list = new ArrayList<>(partitions);
        int replicationFactor = 0;
        for (long g = 1; g <= partitions; g++) {
            List<Long> replicas = List.copyOf(votersOf.apply(g));
            replicationFactor = Math.max(replicationFactor, replicas.size());
            list.add(new PartitionInfo(TOPIC_ID, (int) g - 1, g, ranges[(int) g - 1][0], ranges[(int) g - 1][1],
                    replicas, PartitionState.ACTIVE, 1, replicas));
        }
        TreeMap<Long, TopicInfo> topics = new TreeMap<>();
        topics.put(TOPIC_ID, new TopicInfo(TOPIC_ID, TOPIC, partitions, replicationFactor, Map.of()));
        TreeMap<Long, List<PartitionInfo>> byTopic = new TreeMap<>();
        byTopic.put(TOPIC_ID, list);
        return new ClusterImage(1, new TreeMap<>(), topics, byTopic, TOPIC_ID, partitions);
    }

    private static ConsistencyLevel levelOf(Level level) {
        switch (level) {
            case EVENTUAL:
                return ConsistencyLevel.EVENTUAL;
            case STRONG:
                return ConsistencyLevel.STRONG;
            default:
                return ConsistencyLevel.LINEARIZABLE;
        }
    }

    static boolean isEventual(long group) {
        return group % 2 == 0;
    }

    int partitions() {
        return partitions;
    }

    void start() {
        for (long g = 1; g <= partitions; g++) {
            for (int i = 0; i < options.clientsPerPartition(); i++) {
                Client c = new Client(clients.size(), g);
                clients.add(c);
                scheduler.after(random.between(0, 10_000_000L), () -> next(c));
            }
        }
    }

    void stop() {
        stopped = true;
    }

    History history() {
        return recorder.history();
    }

    private void next(Client c) {
        if (stopped) {
            return;
        }
        Runnable then = () -> scheduler.after(random.exponential(5_000_000L), () -> next(c));
        if (random.chance(0.55)) {
            append(c, then);
        } else {
            long from = Math.max(0, knownLength[(int) c.group] - random.between(0, 16));
            Level level = isEventual(c.group) ? Level.EVENTUAL : random.chance(0.5) ? Level.STRONG : Level.LINEARIZABLE;
            read(c, from, level, ok -> then.run());
        }
    }

    // ================================ appends ================================

    private void append(Client c, Runnable then) {
        boolean eventual = isEventual(c.group);
        Level level = eventual ? Level.EVENTUAL : random.chance(0.5) ? Level.STRONG : Level.LINEARIZABLE;
        String value = "c" + c.index + "-" + (++c.counter);
        int sequence = ++c.sequence;
        Invocation inv = recorder.invoke(c.id, Request.append(keyOf(c.group), value).at(level));
        ProduceRequest req = ProduceRequest.newBuilder().setTopic(TOPIC).setPartition((int) c.group - 1)
                .addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8(value))).setConsistency(levelOf(level))
                .setProducerId(c.producerId).setSequence(sequence).build();
        attempt(c, inv, req, scheduler.nowNs() + config.opTimeoutNs(), then);
    }

    private void attempt(Client c, Invocation inv, ProduceRequest req, long deadlineNs, Runnable then) {
        if (scheduler.nowNs() >= deadlineNs) {
            inv.unknown();
            c.renew();
            then.run();
            return;
        }
        RuntimeNode node = routing.pick(c.group);
        DataPlane dp = node == null ? null : node.dataPlane();
        if (dp == null) {
            scheduler.after(RETRY_NS, () -> attempt(c, inv, req, deadlineNs, then));
            return;
        }
        Answer<ProduceResponse> f = new Answer<>();
        dp.api().produce(req, f);
        boolean[] done = new boolean[1];
        Runnable retry = () -> attempt(c, inv, req, deadlineNs, then);
        scheduler.after(Math.min(ATTEMPT_NS_MAX, Math.max(1, deadlineNs - scheduler.nowNs())), () -> {
            if (!done[0]) {
                done[0] = true;
                retry.run();
            }
        });
        f.whenComplete((r, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            if (error == null && r.getBaseOffset() >= 0) {
                inv.okAppend(r.getBaseOffset());
                knownLength[(int) c.group] = Math.max(knownLength[(int) c.group], r.getBaseOffset() + 1);
                routing.led(c.group, node.id());
                trace.record(scheduler.nowNs(), "client.append", c.group, r.getBaseOffset(), node.id(),
                        r.getDuplicate() ? 1 : 0);
                then.run();
                return;
            }
            if (error == null) { // a duplicate whose offset this leader no longer knows
                inv.unknown();
                c.renew();
                then.run();
                return;
            }
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            ErrorCode code = ApiErrors.codeOf(e);
            if (code == ErrorCode.OUT_OF_ORDER_SEQUENCE) {
                inv.unknown(); // the producer's earlier batch was lost: go on as a new producer
                c.renew();
                then.run();
                return;
            }
            long hint = ApiErrors.leaderOf(e);
            routing.hinted(c.group, code == ErrorCode.NOT_LEADER ? hint : 0);
            scheduler.after(RETRY_NS, retry);
        });
    }

    // ================================ reads ================================

    /**
     * One read of the partition from {@code from} to its tail at {@code level}; {@code then} gets whether
     * it succeeded. {@code linearizable}: a ReadIndex barrier; {@code strong}: a lease read barrier
     * ({@code ReadMode.LEASE}, as the server's STRONG fetch) — a ReadIndex round when the lease is not
     * valid or lease reads are off; {@code eventual}: any replica's local log.
     */
    private void read(Client c, long from, Level level, java.util.function.Consumer<Boolean> then) {
        boolean eventual = level == Level.EVENTUAL;
        RuntimeNode node = eventual ? routing.anyUp(c.group) : routing.pick(c.group);
        if (node == null) {
            scheduler.after(RETRY_NS, () -> then.accept(false));
            return;
        }
        Invocation inv = recorder.invoke(c.id, Request.read(keyOf(c.group), from, null, false)
                .at(level));
        if (!eventual && options.plantedUnfencedReads()) {
            List<Object> values = readLocal(node, c.group, from);
            if (values == null) {
                inv.fail();
            } else {
                inv.okRead(values);
            }
            then.accept(values != null);
            return;
        }
        if (node.dataPlane() == null) {
            inv.fail();
            if (eventual) {
                then.accept(false);
            } else {
                scheduler.after(RETRY_NS, () -> then.accept(false));
            }
            return;
        }
        CompletableFuture<List<Object>> f = new CompletableFuture<>();
        fetch(node, c.group, from, levelOf(level), -1, new ArrayList<>(), f);
        boolean[] done = new boolean[1];
        if (!eventual) {
            scheduler.after(config.opTimeoutNs(), () -> {
                if (!done[0]) {
                    done[0] = true;
                    inv.unknown();
                    c.renew();
                    then.accept(false);
                }
            });
        }
        f.whenComplete((values, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            if (error != null) {
                if (!eventual) {
                    routing.forget(c.group);
                }
                inv.fail();
            } else {
                if (!eventual) {
                    routing.led(c.group, node.id());
                }
                inv.okRead(values);
            }
            then.accept(error == null);
        });
    }

    /**
     * Fetches the partition from {@code offset} through the node's {@link ClientApi}, as a client's fetch
     * reaches it: the first fetch at the read's {@code level} (its barrier), whose high watermark is the
     * read's {@code end}; then, while records below it are left, more fetches from the same node at
     * {@code EVENTUAL} (no barrier: the records below a high watermark the node has applied do not change).
     * {@code out} completes with the values, or with the fetch's error.
     */
    private void fetch(RuntimeNode node, long group, long offset, ConsistencyLevel level, long end, List<Object> values,
                       CompletableFuture<List<Object>> out) {
        DataPlane dp = node.dataPlane();
        if (dp == null) {
            out.completeExceptionally(new IllegalStateException("node " + node.id() + " went down during a read"));
            return;
        }
        Answer<FetchResponse> answer = new Answer<>();
        dp.api().fetch(FetchRequest.newBuilder().setTopic(TOPIC).setPartition((int) group - 1).setOffset(offset)
                .setMaxBytes(READ_BYTES_MAX).setConsistency(level).build(), answer);
        answer.whenComplete((r, error) -> {
            if (error != null) {
                if (ApiErrors.codeOf(error) == ErrorCode.INTERNAL) {
                    // an exception inside the handler: a read of the node's storage failed, or a bug
                    failOnTheScheduler(() -> node.readFailed(new IllegalStateException("node " + node.id()
                            + " group " + group + ": fetch at " + offset + " failed: " + error.getMessage(), error)));
                }
                out.completeExceptionally(error);
                return;
            }
            long stop = end < 0 ? r.getHighWatermark() : end;
            long next = offset;
            for (FetchedRecord fr : r.getRecordsList()) {
                if (fr.getOffset() >= stop) {
                    break;
                }
                if (fr.getOffset() != next) {
                    bug("node " + node.id() + " group " + group + ": offset " + fr.getOffset() + " fetched where "
                            + next + " was due", out);
                    return;
                }
                values.add(fr.getRecord().getValue().toStringUtf8());
                next++;
            }
            if (next >= stop) {
                out.complete(values);
            } else if (next == offset) {
                bug("node " + node.id() + " group " + group + ": no record at offset " + offset
                        + " below the high watermark " + stop, out);
            } else {
                fetch(node, group, next, ConsistencyLevel.EVENTUAL, stop, values, out);
            }
        });
    }

    /** A fault of the code under test seen inside a future's callback: fails the run from the scheduler. */
    private void bug(String what, CompletableFuture<?> out) {
        IllegalStateException e = new IllegalStateException(what);
        out.completeExceptionally(e);
        scheduler.after(0, () -> {
            throw e;
        });
    }

    /** Runs {@code step} now; what it throws (a fault of the code under test) fails the run from the scheduler. */
    private void failOnTheScheduler(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            scheduler.after(0, () -> {
                throw e;
            });
        }
    }

    /** A request handler's answer, as a future: what a gRPC client call would get. */
    private static final class Answer<T> extends CompletableFuture<T> implements StreamObserver<T> {
        private T value;

        @Override
        public void onNext(T v) {
            value = v;
        }

        @Override
        public void onError(Throwable t) {
            completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            complete(value);
        }
    }

    /** The node's applied log of the partition from {@code from} to its tail; null when not hosted there. */
    static List<Object> readLocal(RuntimeNode node, long group, long from) {
        return node.readStorage(() -> readApplied(node, group, from));
    }

    private static List<Object> readApplied(RuntimeNode node, long group, long from) {
        DataPlane dp = node.dataPlane();
        RaftStorage raftLog = dp == null ? null : dp.log(group);
        if (raftLog == null) {
            return null;
        }
        PartitionLog log = dp.partition(group);
        List<Object> values = new ArrayList<>();
        long hw = log.nextOffset();
        long offset = from;
        while (offset < hw) {
            PartitionReader.Slice slice = PartitionReader.read(log, raftLog, offset, READ_BYTES_MAX);
            if (slice.records().isEmpty()) {
                throw new IllegalStateException("node " + node.id() + " group " + group + ": no record at offset "
                        + offset + " below the high watermark " + hw);
            }
            for (PartitionReader.Fetched r : slice.records()) {
                if (r.offset() != offset) {
                    throw new IllegalStateException("node " + node.id() + " group " + group + ": offset "
                            + r.offset() + " read where " + offset + " was due");
                }
                values.add(new String(r.record().value(), StandardCharsets.UTF_8));
                offset++;
            }
        }
        return values;
    }

    /**
     * After the faults: one LINEARIZABLE read of every partition from offset 0, retried until it
     * succeeds or {@code deadlineNs}. Returns through {@code unread} the partitions still unread.
     */
    void finalReads(long deadlineNs, List<String> unread) {
        for (long g = 1; g <= partitions; g++) {
            if (isEventual(g)) {
                continue;
            }
            unread.add(keyOf(g));
            Client c = new Client(clients.size(), g);
            clients.add(c);
            finalRead(c, deadlineNs, unread);
        }
    }

    private void finalRead(Client c, long deadlineNs, List<String> unread) {
        if (scheduler.nowNs() > deadlineNs) {
            return;
        }
        read(c, 0, Level.LINEARIZABLE, ok -> {
            if (ok) {
                unread.remove(keyOf(c.group));
            } else {
                scheduler.after(20_000_000L, () -> finalRead(c, deadlineNs, unread));
            }
        });
    }

    /** Every replica's whole log of every partition, read once the cluster settled. */
    List<ReplicaLog> finalLogs(java.util.function.LongFunction<java.util.Set<Long>> votersOf) {
        List<ReplicaLog> out = new ArrayList<>();
        for (long g = 1; g <= partitions; g++) {
            for (long v : votersOf.apply(g)) {
                List<Object> values = readLocal(nodes[(int) v], g, 0);
                if (values != null) {
                    out.add(new ReplicaLog("n" + v, keyOf(g), values));
                }
            }
        }
        return out;
    }
}
