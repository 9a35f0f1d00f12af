package io.conclave.multiraft.apply;

import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import java.util.ArrayList;
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

    /**
     * This task, then {@code next} (which must bring no snapshot, as a snapshot replaces what came
     * before it), as one task.
     */
    public ApplyTask followedBy(ApplyTask next) {
        if (next.snapshot() != null) {
            throw new IllegalArgumentException("a task with a snapshot cannot follow another");
        }
        if (next.sink() != sink || next.cursor() != cursor) {
            throw new IllegalArgumentException("tasks of different groups cannot be joined");
        }
        List<Entry> es = new ArrayList<>(entries.size() + next.entries().size());
        es.addAll(entries);
        es.addAll(next.entries());
        List<Waiter> ws = new ArrayList<>(waiters.size() + next.waiters().size());
        ws.addAll(waiters);
        ws.addAll(next.waiters());
        return new ApplyTask(sink, cursor, snapshot, es, ws);
    }

    /** A client's proposal at {@code index}, answered with the index once it is applied. */
    public record Waiter(long index, CompletableFuture<Long> future) {
    }
}
