package io.conclave.raft;

/** How a change of several voters is carried out. */
public enum ConfChangeTransition {
    /**
     * A single voter change is applied directly; anything larger goes through a joint configuration
     * that the leader leaves by itself once the joint configuration is committed.
     */
    AUTO,
    /** Always enter a joint configuration, and leave it automatically. */
    JOINT_IMPLICIT,
    /** Always enter a joint configuration, and stay until the host proposes an empty change. */
    JOINT_EXPLICIT
}
