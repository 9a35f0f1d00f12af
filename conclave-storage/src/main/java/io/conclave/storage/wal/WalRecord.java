package io.conclave.storage.wal;

/**
 * One decoded WAL record with the position it was read from.
 *
 * @param fileSeq the number of the WAL file holding it
 * @param offset the byte offset of its frame in that file
 * @param groupId the group it belongs to
 * @param kind what the payload holds
 * @param payload the encoded body, see {@link WalCodec}
 */
public record WalRecord(long fileSeq, long offset, long groupId, WalRecordKind kind, byte[] payload) {
}
