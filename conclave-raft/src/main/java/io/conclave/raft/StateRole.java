package io.conclave.raft;

/**
 * The role of a node in its group. Legal transitions:
 * <ul>
 *   <li>FOLLOWER → PRE_CANDIDATE (election timeout, pre-vote on) or CANDIDATE (pre-vote off, or told to by TimeoutNow)</li>
 *   <li>PRE_CANDIDATE → CANDIDATE (a quorum would vote) or FOLLOWER (a higher term or a leader is heard)</li>
 *   <li>CANDIDATE → LEADER (a quorum voted) or FOLLOWER (a higher term or a leader is heard)</li>
 *   <li>LEADER → FOLLOWER (a higher term, check-quorum failure, removal from the voters)</li>
 * </ul>
 */
public enum StateRole {
    /** Follows a leader; votes; appends what the leader sends. */
    FOLLOWER,
    /** Asks whether it could win before raising its term, so a node that cannot win disrupts nobody. */
    PRE_CANDIDATE,
    /** Has raised its term and asks for votes. */
    CANDIDATE,
    /** Accepts proposals and replicates them. */
    LEADER
}
