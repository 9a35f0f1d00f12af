package io.conclave.storage.wal;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;
import java.util.List;

/**
 * What one group asks the WAL to make durable in one go. Written as up to four records, in this
 * order: the snapshot mark, the entries, the hard state, the compaction mark.
 *
 * @param groupId the group
 * @param snapshotMark the metadata of a snapshot that replaces the log, or null
 * @param entries entries replacing the log from the first one's index on; empty for none
 * @param hardState the new hard state, or null when unchanged
 * @param compactIndex entries before this index were compacted away; 0 for none
 * @param callback told when the request is durable or failed
 */
public record WriteRequest(long groupId, SnapshotMetadata snapshotMark, List<Entry> entries, HardState hardState,
                           long compactIndex, WriteCallback callback) {

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
    }

    public boolean isEmpty() {
        return snapshotMark == null && entries.isEmpty() && hardState == null && compactIndex == 0;
    }

    /** The bytes of the frames this request will occupy in the WAL. */
    public int encodedBytes() {
        int bytes = 0;
        if (snapshotMark != null) {
            bytes += WalFrame.frameBytes(WalCodec.snapshotMarkSizeBytes(snapshotMark));
        }
        if (!entries.isEmpty()) {
            bytes += WalFrame.frameBytes(WalCodec.entriesSizeBytes(entries));
        }
        if (hardState != null) {
            bytes += WalFrame.frameBytes(WalCodec.HARD_STATE_BYTES);
        }
        if (compactIndex > 0) {
            bytes += WalFrame.frameBytes(WalCodec.TRUNCATE_BYTES);
        }
        return bytes;
    }
}
