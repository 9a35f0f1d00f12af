package io.conclave.storage.wal;

/**
 * The bounds of one shared WAL.
 *
 * @param fileBytesTarget a WAL file is closed and a new one started once it holds this many bytes
 *     (a batch is never split, so a file may end up larger by one batch)
 * @param recordBytesMax the largest frame the writer produces and the reader accepts
 * @param queueCapacity write requests waiting for the writer; {@code offer} answers false beyond it
 * @param batchRequestsMax requests written with one fsync at most
 * @param batchBytesMax bytes written with one fsync at most (one request larger than this is still
 *     written, alone)
 */
public record WalConfig(long fileBytesTarget, int recordBytesMax, int queueCapacity, int batchRequestsMax,
                        int batchBytesMax) {

    public static WalConfig defaults() {
        return new WalConfig(64L << 20, 16 << 20, 65_536, 16_384, 32 << 20);
    }

    public WalConfig validate() {
        if (fileBytesTarget < 4096) {
            throw new IllegalArgumentException("fileBytesTarget must be >= 4096: " + fileBytesTarget);
        }
        if (recordBytesMax < 64) {
            throw new IllegalArgumentException("recordBytesMax must be >= 64: " + recordBytesMax);
        }
        if (queueCapacity < 1 || batchRequestsMax < 1) {
            throw new IllegalArgumentException("queueCapacity and batchRequestsMax must be >= 1: "
                    + queueCapacity + ", " + batchRequestsMax);
        }
        if (batchBytesMax < recordBytesMax) {
            throw new IllegalArgumentException("batchBytesMax (" + batchBytesMax + ") must be >= recordBytesMax ("
                    + recordBytesMax + ")");
        }
        return this;
    }
}
