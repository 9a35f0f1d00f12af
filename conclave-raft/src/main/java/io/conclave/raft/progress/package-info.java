/**
 * The leader's per-peer replication state (probe, replicate, snapshot), in-flight windows, and the
 * tracker that holds membership, progress and vote tallies. Called only from the group's owning
 * thread; pure data and arithmetic, no I/O.
 */
package io.conclave.raft.progress;
