/**
 * The gRPC handlers of a node: {@code ClientService} (produce, fetch, metadata, producer ids) and
 * {@code AdminService} (topics, replication factor and status, cluster status, join, digests,
 * leadership transfer). They translate protobuf to the node's own types and every failure to a
 * status with an {@code ErrorCode} trailer; they hold no state. Called on gRPC threads; long work
 * (fetch reads) hops to the node's reader pool, never onto an event loop or applier.
 */
package io.conclave.server.api;
