/**
 * Owns the mapping between the core's message records and their protobuf mirrors (both ways, every
 * message type, plus liveness signals). Stateless and thread-safe: the runtime's event loops call
 * it to encode, gRPC's threads to decode. Never touches a socket, a thread or the core's state.
 */
package io.conclave.transport.codec;
