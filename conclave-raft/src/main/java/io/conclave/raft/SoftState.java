package io.conclave.raft;

/**
 * Volatile state worth telling the host about when it changes; never persisted.
 *
 * @param leader the leader this node knows of, or 0 for none
 * @param role this node's role
 */
public record SoftState(long leader, StateRole role) {
}
