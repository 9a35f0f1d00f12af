/**
 * Property-based safety and liveness tests of the Raft core: jqwik generates schedules of faults
 * and client actions, {@link io.conclave.raft.property.SimCluster} plays them on an in-memory
 * cluster on the test thread, and {@link io.conclave.raft.property.SafetyChecker} checks Raft's
 * invariants after every step. Single-threaded and deterministic: a schedule and its seed replay
 * exactly. Reads the core's state only; never changes main code.
 */
package io.conclave.raft.property;
