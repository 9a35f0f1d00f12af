package io.conclave.storage.wal;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;
import java.util.List;

/**
 * What one group asks the WAL to make durable in one go, in one batch. Written as records in this
 * order: the snapshot mark, the entries (one record per run that fits the configured
 * {@code recordBytesMax}, see {@link WalCodec#recordRuns}), the hard state, the compaction mark. A tombstone
 * ({@link #deleteGroup}) is a request of its own: one {@code DELETE_GROUP} record and nothing else.
 *
 * @param groupId the group
 * @param snapshotMark the metadata of a snapshot that replaces the log, or null
 * @param entries entries replacing the log from the first one's index on; empty for none
 * @param hardState the new hard state, or null when unchanged
 * @param compactIndex entries before this index were compacted away; 0 for none
 * @param callback told when the request is durable or failed
 * @param deletedIncarnation for a tombstone, the incarnation of the group id it deletes; -1 otherwise
 */
public record WriteRequest(long groupId, SnapshotMetadata snapshotMark, List<Entry> entries, HardState hardState,
                           long compactIndex, WriteCallback callback, long deletedIncarnation) {

    public WriteRequest {
        if (entries == null) {
            entries = List.of();
        }
        if (compactIndex < 0) {
            throw new IllegalArgumentException("compactIndex < 0: " + compactIndex);
        }
        if (callback == null) {
            throw new IllegalArgumentException("callback is null");
        }
        if (deletedIncarnation < -1) {
            throw new IllegalArgumentException("deletedIncarnation < -1: " + deletedIncarnation);
        }
        if (deletedIncarnation >= 0 && (snapshotMark != null || !entries.isEmpty() || hardState != null
                || compactIndex != 0)) {
            throw new IllegalArgumentException("a tombstone of group " + groupId + " carries nothing else");
        }
    }

    /** A write of the group's log and state (no tombstone). */
    public WriteRequest(long groupId, SnapshotMetadata snapshotMark, List<Entry> entries, HardState hardState,
                        long compactIndex, WriteCallback callback) {
        this(groupId, snapshotMark, entries, hardState, compactIndex, callback, -1);
    }

    /** The tombstone of incarnation {@code incarnation} of group {@code groupId}. */
    public static WriteRequest deleteGroup(long groupId, long incarnation, WriteCallback callback) {
        if (incarnation < 0) {
            throw new IllegalArgumentException("incarnation < 0: " + incarnation);
        }
        return new WriteRequest(groupId, null, List.of(), null, 0, callback, incarnation);
    }

    public boolean isTombstone() {
        return deletedIncarnation >= 0;
    }

    public boolean isEmpty() {
        return snapshotMark == null && entries.isEmpty() && hardState == null && compactIndex == 0 && !isTombstone();
    }

    /** The bytes of the frames this request will occupy in the WAL, its entries cut into {@code runs}. */
    public int encodedBytes(List<List<Entry>> runs) {
        int bytes = 0;
        if (snapshotMark != null) {
            bytes += WalFrame.frameBytes(WalCodec.snapshotMarkSizeBytes(snapshotMark));
        }
        for (List<Entry> run : runs) {
            bytes += WalFrame.frameBytes(WalCodec.entriesSizeBytes(run));
        }
        if (hardState != null) {
            bytes += WalFrame.frameBytes(WalCodec.HARD_STATE_BYTES);
        }
        if (compactIndex > 0) {
            bytes += WalFrame.frameBytes(WalCodec.TRUNCATE_BYTES);
        }
        if (isTombstone()) {
            bytes += WalFrame.frameBytes(WalCodec.DELETE_GROUP_BYTES);
        }
        return bytes;
    }
}
