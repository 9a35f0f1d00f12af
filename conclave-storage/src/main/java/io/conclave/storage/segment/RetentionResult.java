package io.conclave.storage.segment;

import java.util.List;

/**
 * What {@link SegmentLog#applyRetention} deleted.
 *
 * @param segmentsDeleted the {@code .log} paths of the deleted segments, oldest first
 * @param bytesDeleted their total size
 * @param firstIndex the log's first index afterwards
 */
public record RetentionResult(List<String> segmentsDeleted, long bytesDeleted, long firstIndex) {

    public RetentionResult {
        segmentsDeleted = List.copyOf(segmentsDeleted);
    }
}
