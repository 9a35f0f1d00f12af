package io.conclave.raft.message;

/** The kind of a {@link Message}; {@code RaftNode.step} switches on it. */
public enum MessageType {
    /** Leader → follower: entries after (prevLogIndex, prevLogTerm), and the leader's commit index. */
    APPEND,
    /** Follower → leader: accepted up to an index, or rejected with a hint where the logs diverge. */
    APPEND_RESPONSE,
    /** Candidate or pre-candidate → voter: asks for a (pre-)vote. */
    VOTE,
    /** Voter → (pre-)candidate: grants or refuses the (pre-)vote. */
    VOTE_RESPONSE,
    /** Leader → follower: keeps the follower from campaigning, carries the commit index and a read round. */
    HEARTBEAT,
    /** Follower → leader: acknowledges a heartbeat and its read round. */
    HEARTBEAT_RESPONSE,
    /** Leader → follower: one chunk of a snapshot. */
    SNAPSHOT_CHUNK,
    /** Follower → leader: the offset of the next chunk it wants, or a refusal. */
    SNAPSHOT_CHUNK_RESPONSE,
    /** Leader → transfer target: campaign now, skipping the election timeout. */
    TIMEOUT_NOW,
    /** Follower → leader: a read request forwarded to the leader. */
    READ_INDEX,
    /** Leader → follower: the read index for a forwarded read request. */
    READ_INDEX_RESPONSE,
    /** Follower → leader: proposals forwarded to the leader (only with proposal forwarding on). */
    PROPOSE,
    /** Follower → leader: a leadership transfer request forwarded to the leader. */
    TRANSFER_LEADER
}
