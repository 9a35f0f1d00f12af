package io.conclave.storage.engine;

import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.wal.WalConfig;

/**
 * The bounds of a {@link StorageEngine}.
 *
 * @param wal the shared WAL's bounds
 * @param segment each group's segment log bounds
 * @param segmentSyncIntervalMs how often dirty segments are synced (lazily: the WAL holds the data
 *     until then); also how often reclamation of WAL files is tried
 * @param segmentSyncsPerStepMax groups whose segments one agent step syncs at most
 * @param walFilesSoftMax with more WAL files than this, segments are synced at once, interval or not
 * @param laggardFilesBehind a group whose oldest needed WAL file is this many files behind the
 *     active one is a laggard: reported, and asked to snapshot
 * @param resumeFreeBytesMin a group blocked by a full disk accepts a write again once the disk has
 *     this many bytes free beyond the write's own size
 * @param segmentLogsOpenMax segment logs kept open at most (each holds three files); the least
 *     recently used beyond this are closed and reopen on next use
 */
public record EngineConfig(WalConfig wal, SegmentConfig segment, long segmentSyncIntervalMs,
                           int segmentSyncsPerStepMax, int walFilesSoftMax, int laggardFilesBehind,
                           long resumeFreeBytesMin, int segmentLogsOpenMax) {

    public static EngineConfig defaults() {
        return new EngineConfig(WalConfig.defaults(), SegmentConfig.DEFAULT, 1000, 256, 8, 16, 64L << 20, 2048);
    }

    public EngineConfig validate() {
        if (wal == null || segment == null) {
            throw new IllegalArgumentException("wal and segment configs are required");
        }
        wal.validate();
        if (segmentSyncIntervalMs < 0) {
            throw new IllegalArgumentException("segmentSyncIntervalMs must be >= 0: " + segmentSyncIntervalMs);
        }
        if (segmentSyncsPerStepMax < 1) {
            throw new IllegalArgumentException("segmentSyncsPerStepMax must be >= 1: " + segmentSyncsPerStepMax);
        }
        if (walFilesSoftMax < 2) {
            throw new IllegalArgumentException("walFilesSoftMax must be >= 2: " + walFilesSoftMax);
        }
        if (laggardFilesBehind < 1) {
            throw new IllegalArgumentException("laggardFilesBehind must be >= 1: " + laggardFilesBehind);
        }
        if (segmentLogsOpenMax < 1) {
            throw new IllegalArgumentException("segmentLogsOpenMax must be >= 1: " + segmentLogsOpenMax);
        }
        if (resumeFreeBytesMin < 0) {
            throw new IllegalArgumentException("resumeFreeBytesMin must be >= 0: " + resumeFreeBytesMin);
        }
        return this;
    }

    public EngineConfig withWal(WalConfig w) {
        return new EngineConfig(w, segment, segmentSyncIntervalMs, segmentSyncsPerStepMax, walFilesSoftMax,
                laggardFilesBehind, resumeFreeBytesMin, segmentLogsOpenMax);
    }

    public EngineConfig withSegment(SegmentConfig s) {
        return new EngineConfig(wal, s, segmentSyncIntervalMs, segmentSyncsPerStepMax, walFilesSoftMax,
                laggardFilesBehind, resumeFreeBytesMin, segmentLogsOpenMax);
    }

    public EngineConfig withSegmentSyncIntervalMs(long ms) {
        return new EngineConfig(wal, segment, ms, segmentSyncsPerStepMax, walFilesSoftMax, laggardFilesBehind,
                resumeFreeBytesMin, segmentLogsOpenMax);
    }

    public EngineConfig withWalFiles(int softMax, int laggardBehind) {
        return new EngineConfig(wal, segment, segmentSyncIntervalMs, segmentSyncsPerStepMax, softMax, laggardBehind,
                resumeFreeBytesMin, segmentLogsOpenMax);
    }

    public EngineConfig withResumeFreeBytesMin(long bytes) {
        return new EngineConfig(wal, segment, segmentSyncIntervalMs, segmentSyncsPerStepMax, walFilesSoftMax,
                laggardFilesBehind, bytes, segmentLogsOpenMax);
    }

    public EngineConfig withSegmentLogsOpenMax(int max) {
        return new EngineConfig(wal, segment, segmentSyncIntervalMs, segmentSyncsPerStepMax, walFilesSoftMax,
                laggardFilesBehind, resumeFreeBytesMin, max);
    }

    public EngineConfig withSegmentSyncsPerStepMax(int max) {
        return new EngineConfig(wal, segment, segmentSyncIntervalMs, max, walFilesSoftMax,
                laggardFilesBehind, resumeFreeBytesMin, segmentLogsOpenMax);
    }
}
