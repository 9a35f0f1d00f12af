package io.conclave.client;

import io.conclave.api.proto.ConsistencyLevel;
import java.util.Objects;

/**
 * Producer settings. Defaults ({@link #defaults()}): linger 5 ms, batches up to 1 MiB or 5,000
 * records, a 32 MiB buffer that blocks senders up to 60 s when full, idempotence on, STRONG
 * consistency, no compression, 20 retries within a 120 s delivery timeout, 5 s to wait for an unknown
 * topic to appear in metadata.
 *
 * @param lingerMs              how long a non-full batch waits for more records (0 = send at once)
 * @param batchBytesMax         a batch is closed when it would exceed this many bytes
 * @param batchRecordsMax       a batch is closed at this many records
 * @param bufferBytesMax        bytes of records accepted but not yet acknowledged, all partitions
 * @param bufferFull            what {@code send} does when the buffer is full
 * @param bufferBlockMsMax      with {@link BufferFull#BLOCK}: the longest {@code send} blocks
 * @param idempotent            producer id + per-partition batch sequence, so retries neither duplicate nor reorder
 * @param consistency           the write consistency asked of the leader
 * @param compression           gRPC message compression of Produce calls
 * @param retriesMax            retries of one batch after retriable errors that wait out a back-off (a resend
 *                              that follows a named leader at once is not counted; at most 3 such in a row)
 * @param deliveryTimeoutMs     a batch fails once this long has passed since its first record
 * @param inFlightPerPartitionMax batches in flight per partition (idempotent: at most
 *                                {@value #IDEMPOTENT_IN_FLIGHT_MAX}, as the node remembers a producer's last 8 batches)
 * @param topicWaitMsMax        how long a record waits for its topic to appear in metadata
 */
public record ProducerConfig(int lingerMs, int batchBytesMax, int batchRecordsMax, long bufferBytesMax,
                             BufferFull bufferFull, int bufferBlockMsMax, boolean idempotent,
                             ConsistencyLevel consistency, Compression compression, int retriesMax,
                             int deliveryTimeoutMs, int inFlightPerPartitionMax, int topicWaitMsMax) {

    /** Back-pressure when the buffer is full. */
    public enum BufferFull {
        /** {@code send} blocks until space frees up, at most {@code bufferBlockMsMax}, then fails. */
        BLOCK,
        /** {@code send} fails at once with {@code BACK_PRESSURE}. */
        FAIL
    }

    /** gRPC message compression of Produce requests. */
    public enum Compression {
        NONE(null),
        GZIP("gzip");

        final String grpcName;

        Compression(String grpcName) {
            this.grpcName = grpcName;
        }
    }

    /** The most batches an idempotent producer pipelines per partition (Kafka's bound too). */
    public static final int IDEMPOTENT_IN_FLIGHT_MAX = 5;

    public ProducerConfig {
        Objects.requireNonNull(bufferFull, "bufferFull");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(compression, "compression");
    }

    public static ProducerConfig defaults() {
        return new ProducerConfig(5, 1024 * 1024, 5_000, 32L * 1024 * 1024, BufferFull.BLOCK, 60_000, true,
                ConsistencyLevel.STRONG, Compression.NONE, 20, 120_000, 5, 5_000);
    }

    /** Throws {@link IllegalArgumentException} naming the first bad setting. */
    public ProducerConfig validate() {
        if (lingerMs < 0) {
            throw new IllegalArgumentException("lingerMs must be >= 0, was " + lingerMs);
        }
        ClientConfig.positive("batchBytesMax", batchBytesMax);
        ClientConfig.positive("batchRecordsMax", batchRecordsMax);
        ClientConfig.positive("bufferBytesMax", bufferBytesMax);
        if (bufferBytesMax < batchBytesMax) {
            throw new IllegalArgumentException("bufferBytesMax (" + bufferBytesMax + ") must be >= batchBytesMax ("
                    + batchBytesMax + ")");
        }
        if (bufferBlockMsMax < 0) {
            throw new IllegalArgumentException("bufferBlockMsMax must be >= 0, was " + bufferBlockMsMax);
        }
        if (consistency == ConsistencyLevel.CONSISTENCY_UNSPECIFIED || consistency == ConsistencyLevel.UNRECOGNIZED) {
            throw new IllegalArgumentException("consistency must be EVENTUAL, STRONG or LINEARIZABLE, was " + consistency);
        }
        if (retriesMax < 0) {
            throw new IllegalArgumentException("retriesMax must be >= 0, was " + retriesMax);
        }
        ClientConfig.positive("deliveryTimeoutMs", deliveryTimeoutMs);
        ClientConfig.positive("inFlightPerPartitionMax", inFlightPerPartitionMax);
        if (idempotent && inFlightPerPartitionMax > IDEMPOTENT_IN_FLIGHT_MAX) {
            throw new IllegalArgumentException("inFlightPerPartitionMax must be <= " + IDEMPOTENT_IN_FLIGHT_MAX
                    + " for an idempotent producer (the node deduplicates against a producer's last 8 batches), was "
                    + inFlightPerPartitionMax);
        }
        if (topicWaitMsMax < 0) {
            throw new IllegalArgumentException("topicWaitMsMax must be >= 0, was " + topicWaitMsMax);
        }
        return this;
    }

    /**
     * Batches in flight per partition. Idempotent STRONG/LINEARIZABLE batches keep their order across
     * retries however many are in flight: they are resent in sequence order and the leader sequences
     * them (holding one that arrives ahead of its predecessor).
     */
    int inFlightMax() {
        // EVENTUAL batches may follow a gap on the leader (written at once, never held), so an
        // idempotent EVENTUAL producer keeps one batch per partition in flight to keep its order.
        return idempotent && consistency == ConsistencyLevel.EVENTUAL ? 1 : inFlightPerPartitionMax;
    }

    public ProducerConfig withLingerMs(int v) {
        return new ProducerConfig(v, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withBatchLimits(int bytesMax, int recordsMax) {
        return new ProducerConfig(lingerMs, bytesMax, recordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withBuffer(long bytesMax, BufferFull whenFull, int blockMsMax) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bytesMax, whenFull, blockMsMax,
                idempotent, consistency, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withIdempotent(boolean v) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                v, consistency, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withConsistency(ConsistencyLevel v) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, v, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withCompression(Compression v) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, v, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withRetries(int max, int deliveryTimeoutMsMax) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, compression, max, deliveryTimeoutMsMax, inFlightPerPartitionMax, topicWaitMsMax);
    }

    public ProducerConfig withInFlightPerPartitionMax(int v) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, compression, retriesMax, deliveryTimeoutMs, v, topicWaitMsMax);
    }

    public ProducerConfig withTopicWaitMsMax(int v) {
        return new ProducerConfig(lingerMs, batchBytesMax, batchRecordsMax, bufferBytesMax, bufferFull, bufferBlockMsMax,
                idempotent, consistency, compression, retriesMax, deliveryTimeoutMs, inFlightPerPartitionMax, v);
    }
}
