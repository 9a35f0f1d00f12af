/**
 * Quorum arithmetic: majority and joint configurations, committed index and vote tallies. Pure
 * functions over immutable sets; called from the group's owning thread; no state of its own.
 */
package io.conclave.raft.quorum;
