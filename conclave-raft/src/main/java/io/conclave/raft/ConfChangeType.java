package io.conclave.raft;

/** One step of a membership change. */
public enum ConfChangeType {
    /** Make the node a voter (promoting it if it is a learner). */
    ADD_VOTER,
    /** Make the node a learner (demoting it if it is a voter, through a joint configuration). */
    ADD_LEARNER,
    /** Remove the node from the group. */
    REMOVE_NODE
}
