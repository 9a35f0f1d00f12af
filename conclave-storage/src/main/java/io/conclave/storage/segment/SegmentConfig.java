package io.conclave.storage.segment;

/**
 * The bounds of a {@link SegmentLog}.
 *
 * @param segmentBytesMax a segment is rolled when the next record would take it past this size (a single
 *     record larger than it still gets a segment of its own)
 * @param indexIntervalBytes the spacing of the sparse offset index and time index pairs, in log bytes
 * @param recordDataBytesMax the largest entry payload accepted; a frame claiming more is corrupt
 * @param readBufferBytes the buffer used to scan and read segment files
 * @param retention what {@link SegmentLog#applyRetention} deletes
 */
public record SegmentConfig(long segmentBytesMax, int indexIntervalBytes, int recordDataBytesMax,
                            int readBufferBytes, RetentionPolicy retention) {

    /** 64 MiB segments, an index pair every 4 KiB, payloads up to 16 MiB, no retention limit. */
    public static final SegmentConfig DEFAULT =
            new SegmentConfig(64L << 20, 4096, 16 << 20, 64 << 10, RetentionPolicy.UNLIMITED);

    public SegmentConfig {
        if (retention == null) {
            throw new IllegalArgumentException("retention is null");
        }
        validate(segmentBytesMax, indexIntervalBytes, recordDataBytesMax, readBufferBytes);
    }

    private static void validate(long segmentBytesMax, int indexIntervalBytes, int recordDataBytesMax,
                                 int readBufferBytes) {
        if (segmentBytesMax < SegmentHeader.BYTES + RecordFormat.HEADER_BYTES || segmentBytesMax > (1L << 31) - 1) {
            throw new IllegalArgumentException("segmentBytesMax must be in [" + (SegmentHeader.BYTES
                    + RecordFormat.HEADER_BYTES) + ", 2^31): " + segmentBytesMax);
        }
        if (indexIntervalBytes < 1) {
            throw new IllegalArgumentException("indexIntervalBytes must be >= 1: " + indexIntervalBytes);
        }
        if (recordDataBytesMax < 0 || recordDataBytesMax > (1 << 30)) {
            throw new IllegalArgumentException("recordDataBytesMax must be in [0, 2^30]: " + recordDataBytesMax);
        }
        if (readBufferBytes < RecordFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("readBufferBytes must be >= " + RecordFormat.HEADER_BYTES
                    + ": " + readBufferBytes);
        }
    }

    public SegmentConfig withSegmentBytesMax(long bytes) {
        return new SegmentConfig(bytes, indexIntervalBytes, recordDataBytesMax, readBufferBytes, retention);
    }

    public SegmentConfig withIndexIntervalBytes(int bytes) {
        return new SegmentConfig(segmentBytesMax, bytes, recordDataBytesMax, readBufferBytes, retention);
    }

    public SegmentConfig withRetention(RetentionPolicy policy) {
        return new SegmentConfig(segmentBytesMax, indexIntervalBytes, recordDataBytesMax, readBufferBytes, policy);
    }
}
