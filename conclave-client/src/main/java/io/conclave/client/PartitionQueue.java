package io.conclave.client;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One partition's batches, on the client's network thread (the producer's sender): the unsent ones in
 * order, the open one taking records, the batches in flight in sequence order (a batch waiting out its
 * retry backoff still counts; acks complete records in this order), how many of them wait for a
 * resend, the sequence counter of the current producer id, and the leader to try next.
 */
final class PartitionQueue {

    final TopicPartition tp;
    final ArrayDeque<ProducerBatch> unsent = new ArrayDeque<>();
    ProducerBatch open;
    ScheduledFuture<?> lingerTimer;
    /** Sent and not yet completed, in the order they were first sent (= sequence order). */
    final ArrayDeque<ProducerBatch> inFlight = new ArrayDeque<>();
    /** Batches of {@link #inFlight} waiting for their resend; no new batch goes out meanwhile. */
    int retryWaiting;
    /**
     * A batch of this partition failed for good while later ones were in flight: no new batch goes
     * out until those are resolved, so nothing sent later can overtake them.
     */
    boolean drainingAfterFailure;
    long sequenceProducerId;
    /** A producer id under which a batch of this partition failed for good: its later sequences follow a real gap. */
    long gapProducerId;
    int nextSequence;
    /** A node a NOT_LEADER named; preferred over metadata until it fails. 0: use metadata. */
    long leaderHint;

    PartitionQueue(TopicPartition tp) {
        this.tp = tp;
    }

    /** The next sequence for {@code producerId}; a new producer id starts again at 0. */
    int takeSequence(long producerId) {
        if (sequenceProducerId != producerId) {
            sequenceProducerId = producerId;
            nextSequence = 0;
        }
        return nextSequence++;
    }

    /** Seals the open batch: it takes no more records and may be sent. */
    void sealOpen() {
        if (open != null) {
            open.sealed = true;
        }
        open = null;
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
    }

    boolean idle() {
        return unsent.isEmpty() && open == null && inFlight.isEmpty();
    }
}
