package io.conclave.ops.metrics;

import io.conclave.multiraft.node.RuntimeStats;
import io.conclave.transport.TransportStats;

/**
 * One reading of a node's counters.
 *
 * @param runtime loops, liveness, appliers
 * @param transport per-peer transport counters
 * @param storage the storage engine's counters
 */
public record RuntimeSample(RuntimeStats runtime, TransportStats transport, StorageSample storage) {

    /**
     * The storage engine's counters.
     *
     * @param walFsyncs fsyncs of WAL files
     * @param walBatches group-commit batches written
     * @param walFiles WAL files on disk
     * @param walFilesReclaimed WAL files deleted once every group had materialized past them
     * @param walQueuedWrites write requests waiting for the WAL writer
     * @param segmentSyncs segment syncs
     * @param segmentSyncFailures segment syncs that failed
     * @param hardStateRewrites hard-state files replaced
     * @param laggards groups holding WAL reclamation back now
     * @param laggardReports times a group became a laggard
     * @param unsyncedGroups groups whose segments hold writes not yet synced (the WAL holds them until then)
     * @param openSegmentLogs segment logs open now
     * @param walFilesStarted WAL files started since the node started
     * @param walFilesPreallocated of those, the ones made ahead of need (zero-filled or recycled spares)
     * @param walSpareFailures attempts to make a WAL file ahead of need that failed (a full disk)
     * @param walFilesRecycled reclaimed WAL files kept as spares instead of being deleted
     * @param writesHeldBack writes refused for now because their group held too many bytes not yet in its
     *     segments
     */
    public record StorageSample(long walFsyncs, long walBatches, long walFiles, long walFilesReclaimed,
                                long walQueuedWrites, long segmentSyncs, long segmentSyncFailures,
                                long hardStateRewrites, long laggards, long laggardReports, long unsyncedGroups,
                                long openSegmentLogs, long walFilesStarted, long walFilesPreallocated,
                                long walSpareFailures, long walFilesRecycled, long writesHeldBack) {
    }
}
