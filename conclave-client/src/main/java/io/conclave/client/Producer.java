package io.conclave.client;

import com.google.protobuf.ByteString;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.Record;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends records to topics: a keyed record goes to the partition whose hash range holds
 * {@link KeyHash#of hash(key)}, an unkeyed one to a sticky partition that changes per batch. Records
 * are batched per partition ({@code lingerMs}, {@code batchBytesMax}, {@code batchRecordsMax}) within
 * a bounded buffer. With idempotence (the default) every batch carries the producer id and a
 * per-partition sequence that a retry keeps, and only one batch per partition is in flight, so
 * retries neither duplicate nor reorder. Thread-safe; {@code send} never blocks on the network, only
 * on a full buffer with {@link ProducerConfig.BufferFull#BLOCK}.
 *
 * <p>The producer runs on its client's network thread, and the futures {@code send} returns complete
 * there: a callback attached to one must not block (wait on another send's future, call {@link #flush}
 * or {@link #close}), or it stalls every channel of the client. Hand blocking work to an executor of
 * your own ({@code whenCompleteAsync}).
 */
public final class Producer implements AutoCloseable {

    /** Bytes a record costs in a batch beyond its serialized form (offset, framing). */
    private static final int RECORD_OVERHEAD_BYTES = 16;

    private final ConclaveClient client;
    private final ProducerConfig config;
    private final BufferPool buffer;
    /** The client's network thread: the sender's state is touched there only. */
    private final EventLoop loop;
    private final Sender sender;
    private final Set<CompletableFuture<RecordMetadata>> outstanding = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Producer(ConclaveClient client, ProducerConfig config) {
        this.client = client;
        this.config = config;
        this.buffer = new BufferPool(config.bufferBytesMax());
        this.loop = client.networkLoop();
        this.sender = new Sender(client, config, loop, buffer::release, this::failOutstanding);
    }

    public ProducerConfig config() {
        return config;
    }

    /** An unkeyed record when {@code key} is null. */
    public CompletableFuture<RecordMetadata> send(String topic, byte[] key, byte[] value) {
        return send(topic, key, value, List.of());
    }

    /**
     * Queues a record. The future completes with its partition and offset once the leader acked it
     * at the producer's consistency level, or fails with a {@link ConclaveException}: at once for a
     * full buffer ({@code BACK_PRESSURE}) or a record larger than a batch ({@code RECORD_TOO_LARGE}),
     * later for a non-retriable error or when retries ran out.
     */
    public CompletableFuture<RecordMetadata> send(String topic, byte[] key, byte[] value, List<Header> headers) {
        return send(topic, -1, key, value, headers);
    }

    /**
     * As {@link #send(String, byte[], byte[], List)}, into the given partition ({@code -1}: route as
     * usual). A partition that is not in the metadata fails with {@code UNKNOWN_PARTITION} once
     * {@code topicWaitMsMax} has passed.
     */
    public CompletableFuture<RecordMetadata> send(String topic, int partition, byte[] key, byte[] value,
                                                  List<Header> headers) {
        Objects.requireNonNull(topic, "topic");
        if (partition < -1) {
            throw new IllegalArgumentException("partition must be >= 0, or -1 to route by key, was " + partition);
        }
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(headers, "headers");
        if (closed) {
            throw new IllegalStateException("producer is closed");
        }
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (sender.broken() != null) {
            return CompletableFuture.failedFuture(sender.broken());
        }
        PendingRecord r = pending(topic, partition, key, value, headers);
        if (r.sizeBytes > config.batchBytesMax()) {
            return CompletableFuture.failedFuture(new ConclaveException(ErrorCode.RECORD_TOO_LARGE, "a record of "
                    + r.sizeBytes + " bytes exceeds batchBytesMax (" + config.batchBytesMax() + ")"));
        }
        ConclaveException full = reserve(r.sizeBytes);
        if (full != null) {
            return CompletableFuture.failedFuture(full);
        }
        outstanding.add(r.future);
        r.future.whenComplete((m, t) -> outstanding.remove(r.future));
        try {
            loop.execute(sender.guarded(() -> sender.append(r)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            buffer.release(r.sizeBytes);
            r.future.completeExceptionally(new IllegalStateException("producer is closed"));
        }
        return r.future;
    }

    private static PendingRecord pending(String topic, int partition, byte[] key, byte[] value, List<Header> headers) {
        Record.Builder b = Record.newBuilder().setValue(ByteString.copyFrom(value));
        if (key != null) {
            b.setHasKey(true).setKey(ByteString.copyFrom(key));
        }
        for (Header h : headers) {
            b.addHeaders(io.conclave.api.proto.Header.newBuilder()
                    .setKey(h.key()).setValue(ByteString.copyFrom(h.value())));
        }
        Record record = b.build();
        return new PendingRecord(topic, partition, key == null ? null : key.clone(), record,
                record.getSerializedSize() + RECORD_OVERHEAD_BYTES);
    }

    /** Null when the bytes were reserved; otherwise the back-pressure error to fail the send with. */
    private ConclaveException reserve(int bytes) {
        long waitMs = config.bufferFull() == ProducerConfig.BufferFull.BLOCK ? config.bufferBlockMsMax() : 0;
        try {
            if (buffer.reserve(bytes, waitMs)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ConclaveException(ErrorCode.BACK_PRESSURE, "interrupted while waiting for producer buffer space");
        }
        return new ConclaveException(ErrorCode.BACK_PRESSURE, "producer buffer full (" + config.bufferBytesMax()
                + " bytes unacknowledged" + (waitMs > 0 ? " for " + waitMs + " ms" : "")
                + "); slow down, raise bufferBytesMax or use BufferFull.BLOCK");
    }

    /** After a bug in the sender loop: every record not yet acked fails, naming the cause. */
    private void failOutstanding(ConclaveException e) {
        for (CompletableFuture<RecordMetadata> f : List.copyOf(outstanding)) {
            f.completeExceptionally(e);
        }
    }

    /** Bytes of buffer free right now. */
    public long bufferAvailableBytes() {
        return buffer.availableBytes();
    }

    /**
     * Sends every batch now (ignoring linger) and waits until every record sent before this call has
     * completed, successfully or not. Failures stay on the records' futures.
     */
    public void flush() {
        CompletableFuture<?>[] waiting = outstanding.toArray(new CompletableFuture<?>[0]);
        try {
            loop.execute(sender.guarded(sender::beginFlush));
        } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            return;
        }
        try {
            CompletableFuture.allOf(waiting).handle((v, t) -> null).join();
        } finally {
            try {
                loop.execute(sender.guarded(sender::endFlush));
            } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
                // Closed while flushing: nothing lingers any more.
            }
        }
    }

    /** Flushes, then waits for what this producer queued on the client's network thread. Further sends throw. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flush();
        // The loop is the client's and keeps running: wait (bounded) for what this producer queued on it.
        if (!loop.inEventLoop()) {
            CompletableFuture<Void> drained = new CompletableFuture<>();
            try {
                loop.execute(() -> drained.complete(null));
                drained.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException e) {
                // The client is closing its network thread, or the thread is stuck: nothing more to wait for.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.forget(this);
    }
}
