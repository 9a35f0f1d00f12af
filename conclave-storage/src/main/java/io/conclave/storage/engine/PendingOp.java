package io.conclave.storage.engine;

import io.conclave.raft.Snapshot;
import io.conclave.storage.wal.WriteCallback;
import io.conclave.storage.wal.WriteRequest;
import java.io.IOException;

/**
 * One accepted write of a group, from {@code persist} until it is materialized. It is the
 * {@link WriteRequest}'s callback, so the engine's batch handler finds its group through it.
 */
final class PendingOp implements WriteCallback {

    final GroupLog group;
    final long epoch;
    /** The lowest index this write rewrites; Long.MAX_VALUE when it rewrites none. */
    final long start;
    /** The snapshot object when this write installs one (its data is already in the snapshot store). */
    final Snapshot snapshot;
    private final WriteCallback user;
    WriteRequest request;
    /** The data bytes of the request's entries (0 for a write without entries), counted once when it is made. */
    long entryBytes;
    /** Set by the writer thread (walSeq first, then durable), read by others. */
    volatile boolean durable;
    volatile long walSeq;

    PendingOp(GroupLog group, long epoch, long start, Snapshot snapshot, WriteCallback user) {
        this.group = group;
        this.epoch = epoch;
        this.start = start;
        this.snapshot = snapshot;
        this.user = user;
    }

    @Override
    public void onDurable() {
        user.onDurable();
    }

    @Override
    public void onFailed(IOException cause) {
        user.onFailed(cause);
    }

    static final WriteCallback NO_CALLBACK = new WriteCallback() {
        @Override
        public void onDurable() {
        }

        @Override
        public void onFailed(IOException cause) {
        }
    };
}
