/**
 * A partition's data on a node: its state machine over the Raft log ({@code PartitionLog}: offset
 * index, producer deduplication, digest), the leader-side produce path ({@code Producing}: stamped
 * offsets, sequencers, consistency-level acknowledgement) and reads ({@code PartitionReader}).
 * {@code PartitionLog} is written only by the runtime's applier thread; readers see published
 * state. Nothing here knows gRPC.
 */
package io.conclave.server.partition;
