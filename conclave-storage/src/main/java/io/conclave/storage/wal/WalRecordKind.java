package io.conclave.storage.wal;

/** What a WAL record carries; the code is the byte written in the frame. */
public enum WalRecordKind {
    /** A run of entries that replaces the group's log from its first index on. */
    ENTRIES((byte) 1),
    /** The group's hard state (term, vote, commit). */
    HARD_STATE((byte) 2),
    /** The group's log was replaced by a snapshot: metadata only, the data lives in the snapshot store. */
    SNAPSHOT_MARK((byte) 3),
    /** The group's entries before an index were compacted away. */
    TRUNCATE((byte) 4),
    /**
     * The group was deleted (a tombstone): replay skips every earlier record of the group, and records
     * after it belong to a new incarnation of the group id. Payload: the deleted incarnation's number.
     */
    DELETE_GROUP((byte) 5),
    /**
     * The first frame of a file made ahead of need ({@link WalSpare}): the file was created this long
     * (payload: its length), zero-filled and synced before any record was written to it, so a zero
     * header followed only by zeros is where its records end, not a torn write. Never handed to a
     * replay's visitor; anywhere but at offset 0 it is corruption.
     */
    PREALLOCATED((byte) 6);

    private final byte code;

    WalRecordKind(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The kind for a code read from disk, or null when the code is unknown (a corrupt record). */
    public static WalRecordKind ofCode(byte code) {
        for (WalRecordKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
