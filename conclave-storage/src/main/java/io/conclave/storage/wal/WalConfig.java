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
 * @param preallocate whether the next WAL file is made ahead of need ({@link WalSpare}: created
 *     {@code fileBytesTarget} long, zero-filled and synced by the housekeeper), so that appends
 *     overwrite written blocks and each fsync has no file size to journal. It costs one file of disk
 *     (and, on a simulated disk, of memory), which is why {@link #defaults()} leaves it off; a node
 *     turns it on ({@code storage.wal.preallocate})
 */
public record WalConfig(long fileBytesTarget, int recordBytesMax, int queueCapacity, int batchRequestsMax,
                        int batchBytesMax, boolean preallocate) {

    public static WalConfig defaults() {
        return new WalConfig(64L << 20, 16 << 20, 65_536, 16_384, 32 << 20, false);
    }

    public WalConfig withPreallocate(boolean on) {
        return new WalConfig(fileBytesTarget, recordBytesMax, queueCapacity, batchRequestsMax, batchBytesMax, on);
    }

    public WalConfig withFileBytesTarget(long bytes) {
        return new WalConfig(bytes, recordBytesMax, queueCapacity, batchRequestsMax, batchBytesMax, preallocate);
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
