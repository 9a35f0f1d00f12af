/**
 * The messages Raft replicas exchange: immutable records of one sealed interface. Owned by the core;
 * the transport converts them to and from protobuf at the edge. No behaviour lives here.
 */
package io.conclave.raft.message;
