package io.conclave.client;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.InitProducerRequest;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.TopicMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The producer's batching and delivery state, owned by one thread (its {@code loop}): records join
 * per-partition batches, batches go out when sealed (full, lingered out, flushing), one at a time per
 * partition when idempotent, and come back as acks (futures completed in order) or errors (retried
 * with backoff towards the new leader, or failed). gRPC callbacks only hand results to the loop.
 */
final class Sender {

    private final ConclaveClient client;
    private final ProducerConfig config;
    private final ScheduledExecutorService loop;
    private final LongConsumer releaseBytes;
    private final Map<TopicPartition, PartitionQueue> queues = new HashMap<>();
    private final Map<String, List<PendingRecord>> awaitingTopic = new HashMap<>();
    private final Map<String, Long> awaitingSinceNs = new HashMap<>();
    private final Map<String, Integer> sticky = new HashMap<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();
    private long producerId;
    private boolean producerIdPending;
    private int flushing;
    private volatile ConclaveException broken;
    private final java.util.function.Consumer<ConclaveException> onBroken;

    Sender(ConclaveClient client, ProducerConfig config, ScheduledExecutorService loop, LongConsumer releaseBytes,
           java.util.function.Consumer<ConclaveException> onBroken) {
        this.onBroken = onBroken;
        this.client = client;
        this.config = config;
        this.loop = loop;
        this.releaseBytes = releaseBytes;
    }

    // ---- entry points, all on the loop ----

    void append(PendingRecord r) {
        ClusterMetadata m = client.metadata();
        TopicMetadata topic = m.topic(r.topic);
        PartitionMetadata p = topic == null || awaitingTopic.containsKey(r.topic) ? null : choosePartition(m, r);
        if (p == null) {
            awaitTopic(r);
            return;
        }
        PartitionQueue q = queues.computeIfAbsent(new TopicPartition(r.topic, p.getPartition()), PartitionQueue::new);
        if (q.open != null && !q.open.fits(r, config)) {
            q.sealOpen();
        }
        if (q.open == null) {
            q.open = new ProducerBatch(q.tp, System.nanoTime());
            q.unsent.addLast(q.open);
            if (config.lingerMs() > 0) {
                ProducerBatch b = q.open;
                q.lingerTimer = loop.schedule(guarded(() -> onLingerExpired(q, b)), config.lingerMs(), TimeUnit.MILLISECONDS);
            }
        }
        q.open.add(r);
        if (config.lingerMs() == 0 || q.open.full(config)) {
            q.sealOpen();
        }
        drain(q);
    }

    void beginFlush() {
        flushing++;
        for (PartitionQueue q : queues.values()) {
            q.sealOpen();
            drain(q);
        }
    }

    void endFlush() {
        flushing--;
    }

    // ---- routing ----

    /** Keyed: the range holding hash(key). Unkeyed: the sticky partition while its batch is open. */
    private PartitionMetadata choosePartition(ClusterMetadata m, PendingRecord r) {
        if (r.partition >= 0) {
            return m.partition(r.topic, r.partition);
        }
        if (r.key != null) {
            return m.partitionForHash(r.topic, KeyHash.of(r.key));
        }
        List<PartitionMetadata> ps = m.writablePartitions(r.topic);
        if (ps.isEmpty()) {
            return null;
        }
        Integer current = sticky.get(r.topic);
        if (current != null) {
            PartitionQueue q = queues.get(new TopicPartition(r.topic, current));
            PartitionMetadata p = m.partition(r.topic, current);
            if (q != null && q.open != null && p != null && ps.contains(p)) {
                return p;
            }
        }
        int next = roundRobin.merge(r.topic, 1, Integer::sum) - 1;
        PartitionMetadata p = ps.get(Math.floorMod(next, ps.size()));
        sticky.put(r.topic, p.getPartition());
        return p;
    }

    /** The topic (or the key's range) is not in metadata yet: refresh and try again until topicWaitMsMax. */
    private void awaitTopic(PendingRecord r) {
        List<PendingRecord> waiting = awaitingTopic.computeIfAbsent(r.topic, t -> new ArrayList<>());
        waiting.add(r);
        if (waiting.size() == 1) {
            awaitingSinceNs.putIfAbsent(r.topic, System.nanoTime());
            refreshThen(0, () -> retryAwaiting(r.topic, 0));
        }
    }

    private void retryAwaiting(String topic, int attempt) {
        List<PendingRecord> waiting = awaitingTopic.remove(topic);
        if (waiting == null) {
            return;
        }
        ClusterMetadata m = client.metadata();
        List<PendingRecord> still = new ArrayList<>();
        for (PendingRecord r : waiting) {
            if (!still.isEmpty() || !routable(m, r)) {
                still.add(r);
            } else {
                append(r);
            }
        }
        if (still.isEmpty()) {
            awaitingSinceNs.remove(topic);
            return;
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - awaitingSinceNs.get(topic));
        if (waitedMs >= config.topicWaitMsMax()) {
            awaitingSinceNs.remove(topic);
            ErrorCode code = m.topic(topic) == null ? ErrorCode.UNKNOWN_TOPIC : ErrorCode.UNKNOWN_PARTITION;
            String why = code == ErrorCode.UNKNOWN_TOPIC
                    ? "topic '" + topic + "' is not in the cluster metadata after " + waitedMs + " ms; create it first"
                    : "no partition of '" + topic + "' takes the record (chosen partition or key hash) after "
                    + waitedMs + " ms";
            for (PendingRecord r : still) {
                fail(r, new ConclaveException(code, why));
            }
            return;
        }
        awaitingTopic.put(topic, still);
        refreshThen(client.backoff().delayMs(attempt), () -> retryAwaiting(topic, attempt + 1));
    }

    private static boolean routable(ClusterMetadata m, PendingRecord r) {
        if (m.topic(r.topic) == null) {
            return false;
        }
        if (r.partition >= 0) {
            return m.partition(r.topic, r.partition) != null;
        }
        return r.key == null ? !m.writablePartitions(r.topic).isEmpty() : m.partitionForHash(r.topic, KeyHash.of(r.key)) != null;
    }

    private void refreshThen(long delayMs, Runnable onLoop) {
        Runnable refresh = () -> client.refreshMetadata().whenComplete((m, t) -> run(onLoop));
        if (delayMs <= 0) {
            refresh.run();
        } else {
            schedule(refresh, delayMs);
        }
    }

    // ---- sending ----

    private void onLingerExpired(PartitionQueue q, ProducerBatch b) {
        if (q.open == b) {
            q.sealOpen();
        }
        drain(q);
    }

    private void drain(PartitionQueue q) {
        while (q.inFlight < config.inFlightMax() && !q.unsent.isEmpty()) {
            ProducerBatch head = q.unsent.peekFirst();
            if (!head.sealed && flushing == 0) {
                return;
            }
            if (config.idempotent() && producerId == 0) {
                requestProducerId();
                return;
            }
            q.unsent.pollFirst();
            if (q.open == head) {
                q.sealOpen();
            }
            head.sealed = true;
            q.inFlight++;
            send(q, head);
        }
    }

    private void drainAll() {
        for (PartitionQueue q : queues.values()) {
            drain(q);
        }
    }

    private void send(PartitionQueue q, ProducerBatch b) {
        ClusterMetadata m = client.metadata();
        PartitionMetadata p = m.partition(b.tp.topic(), b.tp.partition());
        long leader = q.leaderHint > 0 ? q.leaderHint : p == null ? 0 : p.getLeader();
        HostPort target = leader > 0 ? m.address(leader) : null;
        if (target == null) {
            q.leaderHint = 0;
            String why = p == null ? "partition " + b.tp + " is not in the cluster metadata"
                    : "no known leader for " + b.tp;
            onError(q, b, new ConclaveException(ErrorCode.LEADER_NOT_AVAILABLE, why));
            return;
        }
        if (config.idempotent() && b.sequence < 0) {
            b.producerId = producerId;
            b.sequence = q.takeSequence(producerId);
        }
        ProduceRequest.Builder req = ProduceRequest.newBuilder()
                .setTopic(b.tp.topic())
                .setPartition(b.tp.partition())
                .setConsistency(config.consistency())
                .setProducerId(b.producerId)
                .setSequence(config.idempotent() ? b.sequence : 0);
        for (PendingRecord r : b.records) {
            req.addRecords(r.record);
        }
        b.attempts++;
        client.call(target, ConclaveGrpc.PRODUCE, req.build(), client.config().requestTimeoutMs(),
                config.compression().grpcName).whenComplete((r, t) -> run(() -> {
                    if (t == null) {
                        onAck(q, b, r);
                    } else {
                        onError(q, b, t);
                    }
                }));
    }

    private void onAck(PartitionQueue q, ProducerBatch b, ProduceResponse r) {
        q.inFlight--;
        for (int i = 0; i < b.records.size(); i++) {
            PendingRecord rec = b.records.get(i);
            release(rec);
            rec.future.complete(new RecordMetadata(b.tp.topic(), r.getPartition(), r.getBaseOffset() + i));
        }
        drain(q);
    }

    private void onError(PartitionQueue q, ProducerBatch b, Throwable t) {
        ErrorCode code = ApiErrors.codeOf(ConclaveException.unwrap(t));
        long hint = ApiErrors.leaderOf(ConclaveException.unwrap(t));
        if (t instanceof ConclaveException) {
            code = ((ConclaveException) t).code();
        }
        if (!(t instanceof ConclaveException) && !ProducerBatch.rejectedBeforeWrite(code)) {
            b.outcomeUnknown = true;
        }
        routeAfter(q, code, hint);
        long ageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - b.createdNs);
        if (ApiErrors.retriable(code) && b.attempts <= config.retriesMax() && ageMs < config.deliveryTimeoutMs()) {
            long delayMs = code == ErrorCode.NOT_LEADER && hint > 0 && b.attempts == 1 ? 0
                    : client.backoff().delayMs(b.attempts - 1);
            schedule(() -> send(q, b), delayMs);
            return;
        }
        q.inFlight--;
        forgetSequence(q, b, code);
        ConclaveException e = t instanceof ConclaveException ? (ConclaveException) t : ConclaveException.from(t);
        if (ApiErrors.retriable(code)) {
            e = new ConclaveException(code, "gave up on " + b.tp + " after " + b.attempts + " attempts in " + ageMs
                    + " ms: " + e.getMessage(), e.leaderHint(), e);
        }
        for (PendingRecord r : b.records) {
            fail(r, e);
        }
        drain(q);
    }

    /** Follows a leader hint; refreshes metadata when the leader is unknown or has moved. */
    private void routeAfter(PartitionQueue q, ErrorCode code, long hint) {
        switch (code) {
            case NOT_LEADER:
            case LEADER_NOT_AVAILABLE:
            case FENCED:
            case UNKNOWN_PARTITION:
            case TIMEOUT:
                q.leaderHint = hint > 0 && client.metadata().address(hint) != null ? hint : 0;
                client.refreshMetadata();
                break;
            default:
                break;
        }
    }

    /**
     * A batch failed for good. If the leader certainly never wrote it, its sequence is free again (no
     * later batch of the partition has one yet, as one batch is in flight). Otherwise the sequence
     * state is unknown and the producer takes a new producer id, restarting sequences at 0.
     */
    private void forgetSequence(PartitionQueue q, ProducerBatch b, ErrorCode code) {
        if (!config.idempotent() || b.sequence < 0) {
            return;
        }
        boolean reusable = !b.outcomeUnknown && code != ErrorCode.OUT_OF_ORDER_SEQUENCE
                && q.sequenceProducerId == b.producerId && q.nextSequence == b.sequence + 1;
        if (reusable) {
            q.nextSequence = b.sequence;
        } else if (producerId == b.producerId) {
            producerId = 0;
        }
    }

    private void requestProducerId() {
        if (producerIdPending) {
            return;
        }
        producerIdPending = true;
        RetryingCall.toCluster(client, ConclaveGrpc.INIT_PRODUCER, InitProducerRequest.getDefaultInstance())
                .whenComplete((r, t) -> run(() -> {
                    producerIdPending = false;
                    if (t == null && r.getProducerId() > 0) {
                        producerId = r.getProducerId();
                        drainAll();
                    } else {
                        ConclaveException e = t != null ? ConclaveException.from(t)
                                : new ConclaveException(ErrorCode.INTERNAL, "InitProducer returned producer id 0");
                        failUnsent(new ConclaveException(e.code(), "could not get a producer id: " + e.getMessage(), 0, e));
                    }
                }));
    }

    private void failUnsent(ConclaveException e) {
        for (PartitionQueue q : queues.values()) {
            for (ProducerBatch b : q.unsent) {
                for (PendingRecord r : b.records) {
                    fail(r, e);
                }
            }
            q.unsent.clear();
            q.sealOpen();
        }
    }

    private void fail(PendingRecord r, Throwable e) {
        release(r);
        r.future.completeExceptionally(e);
    }

    private void release(PendingRecord r) {
        if (r.release()) {
            releaseBytes.accept(r.sizeBytes);
        }
    }

    // ---- the loop ----

    /** Runs on the loop; after the loop stopped, fails nothing silently (close waited for every future). */
    private void run(Runnable task) {
        try {
            loop.execute(guarded(task));
        } catch (RejectedExecutionException stopped) {
            // The producer is closed; close() completed every future it had accepted first.
        }
    }

    private void schedule(Runnable task, long delayMs) {
        try {
            loop.schedule(guarded(task), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // As in run().
        }
    }

    /**
     * A bug in a loop task must not leave futures hanging (the executor would swallow it): every
     * record not yet acked fails with INTERNAL naming the cause, and the producer stops taking records.
     */
    Runnable guarded(Runnable task) {
        return () -> {
            if (broken != null) {
                onBroken.accept(broken);
                return;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                broken = new ConclaveException(ErrorCode.INTERNAL, "producer sender failed: " + e, 0, e);
                failAll(broken);
                onBroken.accept(broken);
            }
        };
    }

    /** Non-null once a loop task failed: the producer is unusable. */
    ConclaveException broken() {
        return broken;
    }

    private void failAll(ConclaveException e) {
        failUnsent(e);
        for (List<PendingRecord> waiting : awaitingTopic.values()) {
            for (PendingRecord r : waiting) {
                fail(r, e);
            }
        }
        awaitingTopic.clear();
        awaitingSinceNs.clear();
    }
}
