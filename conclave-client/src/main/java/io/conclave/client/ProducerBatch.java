package io.conclave.client;

import io.conclave.api.proto.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Records for one partition sent as one Produce call. Its (producer id, sequence) is fixed at its
 * first send and kept by every retry, so the leader can recognise a retry of a batch it already
 * wrote. Owned by the client's network thread (the producer's sender).
 */
final class ProducerBatch {

    final TopicPartition tp;
    final long createdNs;
    final List<PendingRecord> records = new ArrayList<>();
    int bytes;
    /** No more records join: it was full, lingered out, or went out. */
    boolean sealed;
    long producerId;
    int sequence = -1;
    int attempts;
    /** An attempt ended without telling whether the leader wrote the batch (timeout, lost connection). */
    boolean outcomeUnknown;
    /** When it waits for a resend: the earliest System.nanoTime() of it; 0 when not waiting. */
    long retryAtNs;
    /** Resends in a row that followed a leader hint at once, without back-off (bounded). */
    int hintedRetries;
    /**
     * Resends that followed a named leader at once. They do not count against {@code retriesMax}:
     * an election can bounce a batch between nodes several times within milliseconds, and the budget
     * is meant for waits; they are bounded by {@link Sender#HINTED_RETRIES_MAX} in a row between
     * back-offs and by the delivery timeout.
     */
    int freeRetries;
    /** The answer, once acked; its records complete when every earlier batch of the partition has. */
    io.conclave.api.proto.ProduceResponse ack;
    /** The error it failed with for good, once it has. */
    ConclaveException failure;

    ProducerBatch(TopicPartition tp, long createdNs) {
        this.tp = tp;
        this.createdNs = createdNs;
    }

    boolean fits(PendingRecord r, ProducerConfig config) {
        return records.size() < config.batchRecordsMax() && bytes + r.sizeBytes <= config.batchBytesMax();
    }

    void add(PendingRecord r) {
        records.add(r);
        bytes += r.sizeBytes;
    }

    boolean done() {
        return ack != null || failure != null;
    }

    boolean full(ProducerConfig config) {
        return records.size() >= config.batchRecordsMax() || bytes >= config.batchBytesMax();
    }

    /** Codes after which the leader certainly did not write the batch. */
    static boolean rejectedBeforeWrite(ErrorCode code) {
        switch (code) {
            case NOT_LEADER:
            case NOT_CONTROLLER:
            case BACK_PRESSURE:
            case FENCED:
            case RECORD_TOO_LARGE:
            case INVALID_REQUEST:
            case UNKNOWN_TOPIC:
            case UNKNOWN_PARTITION:
            case OUT_OF_ORDER_SEQUENCE:
                return true;
            default:
                return false;
        }
    }
}
