/**
 * Owns the gRPC implementation of the transport: the hand-declared service, the server that hands
 * inbound frames to the handler on gRPC's threads, and per (peer, lane) a channel, a bounded queue,
 * a sender and a reconnecting stream. Called by the runtime's event loops (send, flush), its own
 * sender and timer threads, and gRPC's threads. Never touches Raft state or disk, and never reads a
 * clock: its only timing is the reconnection backoff and fault delays, scheduled on its timer thread.
 */
package io.conclave.transport.grpc;
