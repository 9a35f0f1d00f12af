package io.conclave.client;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.FetchedRecord;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads assigned partitions from a position per partition. {@link #poll} long-polls every assigned
 * partition at once and returns as soon as any has records; fetches still running stay in flight for
 * the next poll. STRONG and LINEARIZABLE fetches go to the leader; EVENTUAL ones to a replica chosen
 * by power of two choices over outstanding calls, on the client's rack when one is there. Routing errors refresh metadata and retry with backoff;
 * {@code OFFSET_OUT_OF_RANGE} and other final errors are thrown from {@code poll}. Not thread-safe:
 * one thread uses a consumer at a time.
 */
public final class Consumer implements AutoCloseable {

    private final ConclaveClient client;
    private final ConsumerConfig config;
    private final Map<TopicPartition, Position> positions = new LinkedHashMap<>();
    private final java.util.SplittableRandom random = new java.util.SplittableRandom();
    private boolean closed;

    /** A partition's next offset, its fetch in flight (issued at {@code fetchedAt}) and retry count. */
    private static final class Position {
        long offset;
        /** Set by assign and seekToBeginning: a position below the log start moves up to it. */
        boolean fromStart = true;
        CompletableFuture<Outcome> inFlight;
        long fetchedAt;
        int failures;
        long leaderHint;
        /** An EVENTUAL read's replica that just failed, skipped while others exist. */
        HostPort avoid;
        HostPort lastTarget;
    }

    /**
     * What one fetch came back with: a response; a final error; or a retry (both null) after its
     * backoff, with the leader a routing error named. Built on gRPC threads, applied by the poller.
     */
    private record Outcome(FetchResponse response, ConclaveException error, boolean routingError, long leaderHint,
                           long moveTo) {
        Outcome(FetchResponse response, ConclaveException error, boolean routingError, long leaderHint) {
            this(response, error, routingError, leaderHint, -1);
        }

        static Outcome of(FetchResponse r) {
            return new Outcome(r, null, false, 0);
        }

        static Outcome failed(ConclaveException e) {
            return new Outcome(null, e, false, 0);
        }

        /** The position was below the log start and may follow it there. */
        static Outcome moveTo(long offset) {
            return new Outcome(null, null, false, 0, offset);
        }
    }

    Consumer(ConclaveClient client, ConsumerConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Adds partitions, each starting at its log start (offset 0 until retention removes records) unless already assigned. */
    public void assign(String topic, int... partitions) {
        ensureOpen();
        for (int p : partitions) {
            positions.computeIfAbsent(new TopicPartition(topic, p), tp -> new Position());
        }
    }

    public void unassign(String topic, int partition) {
        positions.remove(new TopicPartition(topic, partition));
    }

    public List<TopicPartition> assignment() {
        return List.copyOf(positions.keySet());
    }

    /** The next offset {@code poll} returns for an assigned partition. */
    public long position(String topic, int partition) {
        return assigned(topic, partition).offset;
    }

    public void seek(String topic, int partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        Position p = assigned(topic, partition);
        p.offset = offset;
        p.failures = 0;
        p.fromStart = false;
    }

    /**
     * The first record still held: offset 0, or the log start offset once retention removed the
     * records before it (learned from the replica's {@code OFFSET_OUT_OF_RANGE} answer).
     */
    public void seekToBeginning(String topic, int partition) {
        seek(topic, partition, 0);
        assigned(topic, partition).fromStart = true;
    }

    private Position assigned(String topic, int partition) {
        Position p = positions.get(new TopicPartition(topic, partition));
        if (p == null) {
            throw new IllegalStateException(topic + "-" + partition + " is not assigned to this consumer; assign it first");
        }
        return p;
    }

    /**
     * Records past each position, waiting up to {@code timeout} for the first. Returns an empty list
     * when nothing arrived in time. Throws {@link ConclaveException} for a final error, e.g.
     * {@code OFFSET_OUT_OF_RANGE} when a position is outside the partition's log (seek elsewhere).
     */
    public List<ConsumerRecord> poll(Duration timeout) {
        ensureOpen();
        if (positions.isEmpty()) {
            throw new IllegalStateException("no partition is assigned; call assign first");
        }
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        int rounds = 0;
        while (rounds++ < 10_000) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            for (Map.Entry<TopicPartition, Position> e : positions.entrySet()) {
                if (e.getValue().inFlight == null) {
                    startFetch(e.getKey(), e.getValue(), Math.max(0, remainingMs));
                }
            }
            awaitAny(Math.max(0, remainingMs));
            List<ConsumerRecord> out = collect();
            if (!out.isEmpty() || System.nanoTime() - deadlineNs >= 0) {
                return out;
            }
        }
        return List.of();
    }

    private void startFetch(TopicPartition tp, Position pos, long waitMs) {
        int maxWaitMs = (int) Math.min(waitMs, config.fetchWaitMsMax());
        FetchRequest req = FetchRequest.newBuilder()
                .setTopic(tp.topic()).setPartition(tp.partition()).setOffset(pos.offset)
                .setMaxBytes(config.fetchBytesMax()).setMaxWaitMs(maxWaitMs)
                .setConsistency(config.consistency())
                .build();
        pos.fetchedAt = pos.offset;
        int failures = pos.failures;
        long offset = pos.offset;
        boolean fromStart = pos.fromStart;
        ClusterMetadata m = client.metadata();
        HostPort target = target(m, tp, pos);
        if (target == null) {
            pos.inFlight = client.refreshMetadata().handle((x, t) -> null).thenCompose(x -> afterRefresh(tp, failures));
            return;
        }
        pos.lastTarget = target;
        pos.inFlight = client.call(target, ConclaveGrpc.FETCH, req, client.config().requestTimeoutMs() + (long) maxWaitMs, null)
                .handle((r, t) -> t == null ? CompletableFuture.completedFuture(Outcome.of(r))
                        : onError(tp, offset, fromStart, failures, t))
                .thenCompose(f -> f);
    }

    /** No node to ask was known: after a refresh, retry at once if one is known now, else back off. */
    private CompletableFuture<Outcome> afterRefresh(TopicPartition tp, int failures) {
        ClusterMetadata m = client.metadata();
        if (m.topic(tp.topic()) == null) {
            return afterBackoff(failures, new ConclaveException(ErrorCode.UNKNOWN_TOPIC,
                    "topic '" + tp.topic() + "' is not in the cluster metadata"));
        }
        PartitionMetadata p = m.partition(tp.topic(), tp.partition());
        if (p == null) {
            return afterBackoff(failures, new ConclaveException(ErrorCode.UNKNOWN_PARTITION,
                    "topic '" + tp.topic() + "' has no partition " + tp.partition()));
        }
        boolean known = leaderOnly() ? m.address(p.getLeader()) != null
                : p.getReplicasList().stream().anyMatch(r -> m.address(r) != null);
        if (known) {
            return CompletableFuture.completedFuture(new Outcome(null, null, false, 0));
        }
        return afterBackoff(failures, new ConclaveException(ErrorCode.LEADER_NOT_AVAILABLE,
                "no known " + (leaderOnly() ? "leader" : "replica") + " for " + tp));
    }

    private boolean leaderOnly() {
        return config.consistency() != ConsistencyLevel.EVENTUAL;
    }

    /**
     * STRONG/LINEARIZABLE: the hinted or known leader. EVENTUAL: power of two choices over the
     * replicas on the client's rack (all replicas when none is), skipping the one that just failed:
     * of two picked at random, the one with fewer calls outstanding from this client.
     */
    private HostPort target(ClusterMetadata m, TopicPartition tp, Position pos) {
        PartitionMetadata p = m.partition(tp.topic(), tp.partition());
        if (leaderOnly()) {
            long leader = pos.leaderHint > 0 ? pos.leaderHint : p == null ? 0 : p.getLeader();
            return leader > 0 ? m.address(leader) : null;
        }
        if (p == null) {
            return null;
        }
        String rack = client.config().rack();
        List<HostPort> all = new ArrayList<>();
        List<HostPort> local = new ArrayList<>();
        for (long replica : p.getReplicasList()) {
            HostPort hp = m.address(replica);
            if (hp != null && !hp.equals(pos.avoid)) {
                all.add(hp);
                if (!rack.isEmpty() && onRack(m, replica, rack)) {
                    local.add(hp);
                }
            }
        }
        List<HostPort> pool = !local.isEmpty() ? local : !all.isEmpty() ? all
                : pos.avoid != null && p.getReplicasList().stream().anyMatch(r -> pos.avoid.equals(m.address(r)))
                ? List.of(pos.avoid) : List.of();
        if (pool.size() <= 1) {
            return pool.isEmpty() ? null : pool.get(0);
        }
        int i = random.nextInt(pool.size());
        int j = (i + 1 + random.nextInt(pool.size() - 1)) % pool.size();
        return client.outstandingCalls(pool.get(j)) < client.outstandingCalls(pool.get(i)) ? pool.get(j) : pool.get(i);
    }

    private static boolean onRack(ClusterMetadata m, long node, String rack) {
        NodeMetadata n = m.node(node);
        return n != null && rack.equals(n.getRack());
    }

    /** On a gRPC thread: routing errors refresh metadata and come back as a retry after a backoff. */
    private CompletableFuture<Outcome> onError(TopicPartition tp, long offset, boolean fromStart, int failures,
                                               Throwable t) {
        ConclaveException e = ConclaveException.from(t);
        ErrorCode code = e.code();
        if (code == ErrorCode.NOT_LEADER || code == ErrorCode.LEADER_NOT_AVAILABLE || code == ErrorCode.UNKNOWN_PARTITION
                || code == ErrorCode.FENCED || code == ErrorCode.TIMEOUT) {
            return client.refreshMetadata().handle((x, ignored) -> null).thenCompose(x -> afterBackoff(failures, e))
                    .thenApply(o -> o.error == null ? new Outcome(null, null, true, e.leaderHint()) : o);
        }
        if (code == ErrorCode.OFFSET_OUT_OF_RANGE) {
            long start = ApiErrors.logStartOf(t);
            if (fromStart && start > offset) {
                return CompletableFuture.completedFuture(Outcome.moveTo(start));
            }
            return afterBackoff(failures, new ConclaveException(code, "offset " + offset + " of " + tp
                    + " is outside the log (" + e.getMessage() + "); seek to a valid offset", e.leaderHint(), e));
        }
        return afterBackoff(failures, e);
    }

    /** Retriable errors come back as a retry after a backoff; final ones, or retries used up, as errors. */
    private CompletableFuture<Outcome> afterBackoff(int failures, ConclaveException e) {
        if (!e.retriable() || failures >= client.config().retriesMax()) {
            return CompletableFuture.completedFuture(Outcome.failed(e));
        }
        long delayMs = client.backoff().delayMs(failures);
        return CompletableFuture.supplyAsync(() -> new Outcome(null, null, false, 0),
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS));
    }

    private void awaitAny(long timeoutMs) {
        CompletableFuture<?>[] all = positions.values().stream().map(p -> p.inFlight).filter(Objects::nonNull)
                .toArray(CompletableFuture<?>[]::new);
        if (all.length == 0) {
            return;
        }
        try {
            CompletableFuture.anyOf(all).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Timeouts return an empty poll; errors are read from each outcome in collect().
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConclaveException(ErrorCode.TIMEOUT, "interrupted while polling");
        }
    }

    /** Takes every finished fetch: records advance the position; the first final error is thrown. */
    private List<ConsumerRecord> collect() {
        List<ConsumerRecord> out = new ArrayList<>();
        ConclaveException error = null;
        for (Map.Entry<TopicPartition, Position> e : positions.entrySet()) {
            Position pos = e.getValue();
            if (pos.inFlight == null || !pos.inFlight.isDone()) {
                continue;
            }
            Outcome o = pos.inFlight.join();
            pos.inFlight = null;
            if (pos.fetchedAt != pos.offset) {
                continue;
            }
            if (o.moveTo >= 0) {
                pos.offset = o.moveTo;
                pos.failures = 0;
            } else if (o.error != null) {
                error = error == null ? o.error : error;
                pos.failures = 0;
            } else if (o.response != null) {
                pos.failures = 0;
                append(e.getKey(), pos, o.response, out);
            } else {
                pos.failures++;
                if (o.routingError) {
                    pos.leaderHint = o.leaderHint > 0 && client.metadata().address(o.leaderHint) != null ? o.leaderHint : 0;
                    pos.avoid = pos.lastTarget;
                }
            }
        }
        if (error != null && out.isEmpty()) {
            throw error;
        }
        return out;
    }

    private static void append(TopicPartition tp, Position pos, FetchResponse r, List<ConsumerRecord> out) {
        for (FetchedRecord fr : r.getRecordsList()) {
            if (fr.getOffset() < pos.offset) {
                continue;
            }
            Record rec = fr.getRecord();
            List<Header> headers = new ArrayList<>(rec.getHeadersCount());
            for (io.conclave.api.proto.Header h : rec.getHeadersList()) {
                headers.add(new Header(h.getKey(), h.getValue().toByteArray()));
            }
            out.add(new ConsumerRecord(tp.topic(), tp.partition(), fr.getOffset(),
                    rec.getHasKey() ? rec.getKey().toByteArray() : null, rec.getValue().toByteArray(),
                    Collections.unmodifiableList(headers), rec.getTimestampMs()));
            pos.offset = fr.getOffset() + 1;
            pos.fromStart = false;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("consumer is closed");
        }
    }

    /** Drops the assignment; fetches still in flight are abandoned (their answers are ignored). */
    @Override
    public void close() {
        closed = true;
        positions.clear();
        client.forget(this);
    }
}
