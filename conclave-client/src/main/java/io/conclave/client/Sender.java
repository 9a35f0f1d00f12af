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
 * per-partition batches, batches go out when sealed (full, lingered out, flushing), up to
 * {@code inFlightPerPartitionMax} per partition, and come back as acks (futures completed in send
 * order) or errors (resent in sequence order towards the new leader — at once when a leader is
 * known, after a back-off otherwise — or failed). gRPC callbacks only hand results to the loop.
 */
final class Sender {

    /** Resends in a row that follow a hinted or looked-up leader at once before a back-off is taken. */
    static final int HINTED_RETRIES_MAX = 3;

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
        while (q.inFlight.size() < config.inFlightMax() && !q.unsent.isEmpty() && q.retryWaiting == 0
                && !q.drainingAfterFailure) {
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
            q.inFlight.addLast(head);
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
        if (config.idempotent() && b.sequence < 0) {
            b.producerId = producerId;
            b.sequence = q.takeSequence(producerId);
        }
        b.attempts++;
        if (target == null) {
            q.leaderHint = 0;
            String why = p == null ? "partition " + b.tp + " is not in the cluster metadata"
                    : "no known leader for " + b.tp;
            onError(q, b, new ConclaveException(ErrorCode.LEADER_NOT_AVAILABLE, why));
            return;
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
        b.ack = r;
        completeInOrder(q);
    }

    /** Completes the records of the partition's finished batches, oldest first, up to the first unfinished one. */
    private void completeInOrder(PartitionQueue q) {
        while (!q.inFlight.isEmpty() && q.inFlight.peekFirst().done()) {
            ProducerBatch b = q.inFlight.pollFirst();
            for (int i = 0; i < b.records.size(); i++) {
                PendingRecord rec = b.records.get(i);
                if (b.ack != null) {
                    release(rec);
                    rec.future.complete(new RecordMetadata(b.tp.topic(), b.ack.getPartition(),
                            b.ack.getBaseOffset() + i));
                } else {
                    fail(rec, b.failure);
                }
            }
        }
        if (q.inFlight.isEmpty()) {
            q.drainingAfterFailure = false;
        }
        drain(q);
    }

    private void onError(PartitionQueue q, ProducerBatch b, Throwable t) {
        ErrorCode code = ApiErrors.codeOf(ConclaveException.unwrap(t));
        long hint = ApiErrors.leaderOf(ConclaveException.unwrap(t));
        if (t instanceof ConclaveException) {
            code = ((ConclaveException) t).code();
        } else if (code == ErrorCode.INTERNAL
                && io.grpc.Status.fromThrowable(ConclaveException.unwrap(t)).getCode() == io.grpc.Status.Code.CANCELLED) {
            code = ErrorCode.LEADER_NOT_AVAILABLE; // the stream was reset (its node died): outcome unknown, retry
        }
        if (!(t instanceof ConclaveException) && !ProducerBatch.rejectedBeforeWrite(code)) {
            b.outcomeUnknown = true;
        }
        routeAfter(q, code, hint);
        long ageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - b.createdNs);
        boolean retriable = ApiErrors.retriable(code) || gapMayFill(q, b, code);
        if (retriable && b.attempts - b.freeRetries <= config.retriesMax() && ageMs < config.deliveryTimeoutMs()) {
            scheduleRetry(q, b, code, hint);
            return;
        }
        forgetSequence(q, b, code);
        ConclaveException e = t instanceof ConclaveException ? (ConclaveException) t : ConclaveException.from(t);
        if (retriable) {
            e = new ConclaveException(code, "gave up on " + b.tp + " after " + b.attempts + " attempts in " + ageMs
                    + " ms: " + e.getMessage(), e.leaderHint(), e);
        }
        b.failure = e;
        for (ProducerBatch other : q.inFlight) {
            q.drainingAfterFailure |= !other.done();
        }
        completeInOrder(q);
    }

    /**
     * An OUT_OF_ORDER_SEQUENCE for a pipelined batch: the leader did not write it because an earlier
     * batch of the same producer id had not reached it in time. Worth resending (after the earlier
     * ones) unless it has no predecessor or one of them failed for good (then the gap is real).
     */
    private boolean gapMayFill(PartitionQueue q, ProducerBatch b, ErrorCode code) {
        return code == ErrorCode.OUT_OF_ORDER_SEQUENCE && config.idempotent() && b.sequence > 0
                && q.gapProducerId != b.producerId;
    }

    /**
     * A retriable failure: the batch waits for a resend, in sequence order behind any earlier batch
     * of the partition that also waits. A NOT_LEADER naming a leader is followed at once; with no
     * leader known the partition's replicas are asked for it; only when nobody knows one (or hints
     * keep failing) does the batch wait out a back-off.
     */
    private void scheduleRetry(PartitionQueue q, ProducerBatch b, ErrorCode code, long hint) {
        q.retryWaiting++;
        b.retryAtNs = Long.MAX_VALUE;
        boolean hinted = hint > 0 && client.metadata().address(hint) != null;
        if (code == ErrorCode.NOT_LEADER && hinted && b.hintedRetries < HINTED_RETRIES_MAX) {
            b.hintedRetries++;
            b.freeRetries++;
            resendAfter(q, b, 0);
            return;
        }
        boolean leaderUnknown = (code == ErrorCode.NOT_LEADER || code == ErrorCode.LEADER_NOT_AVAILABLE) && !hinted;
        if (leaderUnknown && b.hintedRetries < HINTED_RETRIES_MAX) {
            client.locateLeader(b.tp.topic(), b.tp.partition()).whenComplete((leader, t) -> run(() -> {
                if (t == null && leader > 0 && client.metadata().address(leader) != null) {
                    q.leaderHint = leader;
                    b.hintedRetries++;
                    b.freeRetries++;
                    resendAfter(q, b, 0);
                } else {
                    backOff(q, b);
                }
            }));
            return;
        }
        backOff(q, b);
    }

    private void backOff(PartitionQueue q, ProducerBatch b) {
        b.hintedRetries = 0;
        client.countBackoff();
        resendAfter(q, b, client.backoff().delayMs(b.attempts - b.freeRetries - 1));
    }

    private void resendAfter(PartitionQueue q, ProducerBatch b, long delayMs) {
        b.retryAtNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        schedule(() -> resendInOrder(q), delayMs);
    }

    /** Resends the batches whose wait is over, oldest first, stopping at the first that still waits. */
    private void resendInOrder(PartitionQueue q) {
        long nowNs = System.nanoTime();
        for (ProducerBatch b : new ArrayList<>(q.inFlight)) {
            if (b.done() || b.retryAtNs == 0) {
                continue; // acked, failed for good, or in a call
            }
            if (b.retryAtNs > nowNs) {
                return; // later batches wait behind it, so resends keep sequence order
            }
            b.retryAtNs = 0;
            q.retryWaiting--;
            send(q, b);
            if (b.retryAtNs != 0) {
                return; // failed at once and waits again
            }
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
     * A batch failed for good. If the leader certainly never wrote it and no later batch of the
     * partition has a sequence yet, its sequence is free again. Otherwise the sequence state is
     * unknown (or later batches follow a gap that will not fill): the producer takes a new producer
     * id, restarting sequences at 0, and the partition's later batches of the old id fail rather
     * than wait for the gap.
     */
    private void forgetSequence(PartitionQueue q, ProducerBatch b, ErrorCode code) {
        if (!config.idempotent() || b.sequence < 0) {
            return;
        }
        boolean reusable = !b.outcomeUnknown && code != ErrorCode.OUT_OF_ORDER_SEQUENCE
                && q.sequenceProducerId == b.producerId && q.nextSequence == b.sequence + 1;
        if (reusable) {
            q.nextSequence = b.sequence;
            return;
        }
        q.gapProducerId = b.producerId;
        if (producerId == b.producerId) {
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
