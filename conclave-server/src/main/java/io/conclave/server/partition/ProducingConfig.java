package io.conclave.server.partition;

/**
 * Bounds of the leader's produce path.
 *
 * @param heldBatchesPerPartitionMax batches a partition's leader holds while they wait for an earlier
 *                                   sequence of their producer (pipelined producers send up to 5 per
 *                                   partition, and the node may take them in any order); past it a
 *                                   batch with a gap is refused with {@code BACK_PRESSURE}
 * @param gapWaitMs                  how long a held batch waits for the gap before it is refused with
 *                                   {@code OUT_OF_ORDER_SEQUENCE} ({@code EVENTUAL} batches are not held);
 *                                   0 turns holding off (a gap is answered at once)
 * @param eventualUnappliedBytesMax  bytes of {@code EVENTUAL} batches a partition's leader has stamped
 *                                   and not yet applied; past it an EVENTUAL batch is refused with
 *                                   {@code BACK_PRESSURE} (retriable). EVENTUAL writes are acknowledged
 *                                   on the leader's append, so without it a producer can pile up far
 *                                   more than one storage write takes while the leader's fsync lags
 *                                   (the WAL refuses a group's entries over 16 MiB in one record); 0 = no bound
 */
public record ProducingConfig(int heldBatchesPerPartitionMax, long gapWaitMs, long eventualUnappliedBytesMax) {

    /** No holding: a gap is refused at once (the simulator, which drives time itself, uses this). */
    public static final ProducingConfig NO_HOLD = new ProducingConfig(0, 0, 0);

    /** 64 held batches per partition, 500 ms of waiting for a gap, 8 MiB of EVENTUAL batches not yet applied. */
    public static ProducingConfig defaults() {
        return new ProducingConfig(64, 500, 8L << 20);
    }

    /** Throws {@link IllegalArgumentException} naming the first bad setting. */
    public ProducingConfig validate() {
        if (heldBatchesPerPartitionMax < 0 || heldBatchesPerPartitionMax > 10_000) {
            throw new IllegalArgumentException("heldBatchesPerPartitionMax must be in [0, 10000], was "
                    + heldBatchesPerPartitionMax);
        }
        if (gapWaitMs < 0 || gapWaitMs > 60_000) {
            throw new IllegalArgumentException("gapWaitMs must be in [0, 60000], was " + gapWaitMs);
        }
        if (eventualUnappliedBytesMax < 0 || eventualUnappliedBytesMax > (1L << 30)) {
            throw new IllegalArgumentException("eventualUnappliedBytesMax must be in [0, 1 GiB], was "
                    + eventualUnappliedBytesMax);
        }
        if ((gapWaitMs == 0) != (heldBatchesPerPartitionMax == 0)) {
            throw new IllegalArgumentException("gapWaitMs (" + gapWaitMs + ") and heldBatchesPerPartitionMax ("
                    + heldBatchesPerPartitionMax + ") must both be 0 (no holding) or both positive");
        }
        return this;
    }

    boolean holds() {
        return gapWaitMs > 0;
    }
}
