/**
 * One Conclave node: its configuration and persistent identity, start-up (bootstrap or join), the
 * controller group's state machine and operations, which replicas a new data directory lost with the
 * one it replaced ({@code LostReplicaCheck}: they rejoin), the reconciler that creates, moves and hands off
 * the partition replicas the metadata assigns to this node, and the mapping of runtime failures to
 * API errors. {@code ConclaveNode} is the only place that wires the layers together.
 */
package io.conclave.server.node;
