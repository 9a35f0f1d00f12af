/**
 * The transport's contract with the Multi-Raft runtime and the simulator: {@link
 * io.conclave.transport.Transport}, what it delivers ({@link io.conclave.transport.Envelope},
 * {@link io.conclave.transport.Liveness}), its lanes, bounds and counters. Speaks only the core's
 * records; callers are the runtime's event loops (sending) and the transport's receiving threads
 * (calling the {@link io.conclave.transport.InboundHandler}). Holds no Raft state.
 */
package io.conclave.transport;
