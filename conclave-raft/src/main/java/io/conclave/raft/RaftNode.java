package io.conclave.raft;

import io.conclave.raft.message.Message;
import io.conclave.raft.storage.RaftStorage;
import java.util.List;

/**
 * One replica of one Raft group: a pure state machine driven by its host. API under construction:
 * the signatures below are the contract; the implementation lands in the next commit.
 */
public final class RaftNode {

    public RaftNode(RaftConfig config, RaftStorage storage, RandomSource random) {
        throw new UnsupportedOperationException("RaftNode implementation lands in the next commit");
    }

    public long id() { throw new UnsupportedOperationException(); }

    /** Advances logical time by one tick: election timeouts, heartbeats, check-quorum, lease expiry. */
    public void tick() { throw new UnsupportedOperationException(); }

    /** Feeds a message from a peer. Stale or irrelevant messages are dropped. */
    public void step(Message m) { throw new UnsupportedOperationException(); }

    public ProposeResult propose(byte[] data) { throw new UnsupportedOperationException(); }

    public ProposeResult proposeBatch(List<byte[]> batch) { throw new UnsupportedOperationException(); }

    public ProposeResult proposeConfChange(ConfChange cc) { throw new UnsupportedOperationException(); }

    /** Called by the host when it applies a committed CONF_CHANGE entry; returns the new membership. */
    public ConfState applyConfChange(ConfChange cc) { throw new UnsupportedOperationException(); }

    public ReadStatus readIndex(byte[] context) { throw new UnsupportedOperationException(); }

    public ReadStatus readIndex(byte[] context, ReadMode mode) { throw new UnsupportedOperationException(); }

    public void transferLeadership(long transferee) { throw new UnsupportedOperationException(); }

    /** Starts an election now (pre-vote first when enabled). */
    public void campaign() { throw new UnsupportedOperationException(); }

    public boolean hasReady() { throw new UnsupportedOperationException(); }

    public Ready ready() { throw new UnsupportedOperationException(); }

    public void advance(Ready ready) { throw new UnsupportedOperationException(); }

    /** The host could not deliver to {@code peer}: the leader falls back to probing it. */
    public void reportUnreachable(long peer) { throw new UnsupportedOperationException(); }

    public boolean isLeader() { throw new UnsupportedOperationException(); }

    public long getLeader() { throw new UnsupportedOperationException(); }

    public long term() { throw new UnsupportedOperationException(); }

    public StateRole role() { throw new UnsupportedOperationException(); }

    public long commitIndex() { throw new UnsupportedOperationException(); }

    public ConfState confState() { throw new UnsupportedOperationException(); }

    public RaftStatus status() { throw new UnsupportedOperationException(); }
}
