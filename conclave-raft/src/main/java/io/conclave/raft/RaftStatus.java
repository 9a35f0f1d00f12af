package io.conclave.raft;

import java.util.Map;

/**
 * A snapshot of one replica's state for monitoring and tests.
 *
 * @param progress per-peer replication state; empty unless this node is the leader
 */
public record RaftStatus(long id, long term, long vote, long commit, long applied, long lastIndex, StateRole role,
                         long leader, long leadTransferee, ConfState confState, Map<Long, PeerProgress> progress) {

    /** How far the leader believes one peer is. */
    public record PeerProgress(long match, long next, String state, boolean recentActive, boolean learner) {
    }
}
