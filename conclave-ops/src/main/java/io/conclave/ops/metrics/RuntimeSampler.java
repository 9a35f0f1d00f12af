package io.conclave.ops.metrics;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.Clock;
import io.conclave.storage.engine.StorageEngine;

/**
 * Reads a runtime's counters at most once per {@code maxAgeNs}: a scrape reads dozens of meters and
 * each would otherwise sum every loop's counters again. Safe to call from any thread.
 */
public final class RuntimeSampler {

    private final RaftRuntime runtime;
    private final Clock clock;
    private final long maxAgeNs;
    private RuntimeSample last;
    private long lastAtNs;

    public RuntimeSampler(RaftRuntime runtime, Clock clock, long maxAgeNs) {
        if (maxAgeNs < 0) {
            throw new IllegalArgumentException("maxAgeNs must be >= 0: " + maxAgeNs);
        }
        this.runtime = runtime;
        this.clock = clock;
        this.maxAgeNs = maxAgeNs;
    }

    /** The latest sample, taken now when the last one is older than {@code maxAgeNs}. */
    public synchronized RuntimeSample sample() {
        long now = clock.nowNs();
        if (last == null || now - lastAtNs > maxAgeNs) {
            last = read();
            lastAtNs = now;
        }
        return last;
    }

    private RuntimeSample read() {
        StorageEngine e = runtime.storage();
        RuntimeSample.StorageSample storage = new RuntimeSample.StorageSample(e.walFsyncs(), e.walBatches(),
                e.walFileCount(), e.walFilesReclaimed(), e.queuedWrites(), e.segmentSyncs(), e.segmentSyncFailures(),
                e.hardStateRewrites(), e.laggards().size(), e.laggardReports(), e.pendingGroups(),
                e.openSegmentLogs(), e.walFilesStarted(), e.walFilesPreallocated(), e.walSpareFailures(),
                e.walFilesRecycled(), e.writesHeldBack());
        return new RuntimeSample(runtime.stats(), runtime.transport().stats(), storage);
    }
}
