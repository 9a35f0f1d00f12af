/**
 * Owns the gRPC implementation of the transport: the hand-declared service, the server that hands
 * inbound frames to the handler on gRPC's threads, and per (peer, lane) a channel, a bounded queue,
 * a sender and a reconnecting stream. Called by the runtime's event loops (send, flush), its own
 * sender and timer threads, and gRPC's threads. Never touches Raft state, disk or the wall clock.
 */
package io.conclave.transport.grpc;
