package io.conclave.multiraft.apply;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import java.util.List;

/**
 * One Ready's worth of work for an applier: a snapshot to restore (or null), then committed entries.
 *
 * @param cursor the group's apply position, owned by the applier thread
 */
public record ApplyTask(ApplySink sink, ApplyCursor cursor, Snapshot snapshot, List<Entry> entries) {
}
