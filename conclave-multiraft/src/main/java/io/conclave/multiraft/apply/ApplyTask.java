package io.conclave.multiraft.apply;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Ready's worth of work for an applier: a snapshot to restore (or null), then committed entries,
 * then the clients' proposals among those entries to answer. The applier completes each waiter with
 * its index on its own thread, right after the entry is applied — a write's acknowledgement does not
 * hop back to the loop first.
 *
 * @param cursor  the group's apply position, owned by the applier thread
 * @param waiters proposals of this node among {@code entries}, in index order
 */
public record ApplyTask(ApplySink sink, ApplyCursor cursor, Snapshot snapshot, List<Entry> entries,
                        List<Waiter> waiters) {

    public ApplyTask(ApplySink sink, ApplyCursor cursor, Snapshot snapshot, List<Entry> entries) {
        this(sink, cursor, snapshot, entries, List.of());
    }

    /** A client's proposal at {@code index}, answered with the index once it is applied. */
    public record Waiter(long index, CompletableFuture<Long> future) {
    }
}
