/**
 * The node-side face of produce and replication: {@link io.conclave.server.replication.ReplicationManager}
 * (validated writes at a consistency level, replication-factor changes, per-replica status) and its
 * implementation on a node. Called from gRPC threads; its futures complete on the runtime's event
 * loops and appliers. It owns no state of its own: offsets and idempotence live in
 * {@code partition}, membership in the controller's metadata and the partition groups' Raft logs.
 */
package io.conclave.server.replication;
