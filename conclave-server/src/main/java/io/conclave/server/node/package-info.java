/**
 * One Conclave node: its configuration and persistent identity, start-up (bootstrap or join), the
 * controller group's state machine and operations, which replicas a new data directory lost with the
 * one it replaced ({@code LostReplicaCheck}: they rejoin), the reconciler that creates, moves and hands off
 * the partition replicas the metadata assigns to this node ({@code Reconciler}: the pass, behind a narrow
 * interface so that the simulator runs it too; {@code MembershipReconciler}, {@code ReplicaRemover}: each a pure
 * decision the simulator runs too and a blocking driver on the node's reconciling thread), and the mapping of runtime failures to
 * API errors. {@code ConclaveNode} is the only place that wires the layers together.
 */
package io.conclave.server.node;
