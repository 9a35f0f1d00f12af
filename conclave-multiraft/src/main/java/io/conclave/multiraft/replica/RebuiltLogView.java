package io.conclave.multiraft.replica;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.RaftStorage;
import java.util.List;

/**
 * A replica's log as the Raft core rebuilt after a failed write must see it: everything from the
 * storage, except that it starts from the membership the replica last applied rather than the one of
 * the storage's snapshot. The core is rebuilt with everything handed to the applier counted as applied,
 * so it is not given those entries again, and the membership changes among them would otherwise be
 * lost to it (a restart re-applies them: it starts at the snapshot and replays the log). Reads nothing
 * at construction, so an I/O error cannot fail the rebuild; the loop thread only, like the log it wraps.
 */
final class RebuiltLogView implements RaftStorage {

    private final RaftStorage log;
    private final ConfState applied;

    RebuiltLogView(RaftStorage log, ConfState applied) {
        this.log = log;
        this.applied = applied;
    }

    @Override
    public InitialState initialState() {
        return new InitialState(log.initialState().hardState(), applied);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return log.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public Snapshot snapshot() {
        return log.snapshot();
    }
}
