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
 */
public record ProducingConfig(int heldBatchesPerPartitionMax, long gapWaitMs) {

    /** No holding: a gap is refused at once (the simulator, which drives time itself, uses this). */
    public static final ProducingConfig NO_HOLD = new ProducingConfig(0, 0);

    /** 64 held batches per partition, 500 ms of waiting for a gap. */
    public static ProducingConfig defaults() {
        return new ProducingConfig(64, 500);
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
