package io.conclave.multiraft.replica;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.Snapshot;
import io.conclave.raft.storage.RaftStorage;
import java.util.List;

/**
 * A replica's log as a Raft core rebuilt mid-life sees it: everything is the log's, except that its
 * initial membership is the one the replica applied last rather than its snapshot's. A core rebuilt
 * after a failed write resumes at the index already handed to the applier, so the membership changes
 * between the snapshot and that index are never delivered to it again; started from the snapshot's
 * membership it would forget them (and count votes and commits by a configuration the group left).
 * Read only by the core, on the replica's loop.
 */
final class AppliedMembership implements RaftStorage {

    private final RaftStorage log;
    private final ConfState applied;

    AppliedMembership(RaftStorage log, ConfState applied) {
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
