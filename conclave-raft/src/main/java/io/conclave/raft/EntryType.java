package io.conclave.raft;

/** What an {@link Entry}'s data holds. */
public enum EntryType {
    /** Application data, or a leader's empty no-op entry. */
    NORMAL,
    /** An encoded {@link ConfChange}, applied with {@code RaftNode.applyConfChange} once committed. */
    CONF_CHANGE
}
