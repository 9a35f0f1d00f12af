/**
 * The virtual network between simulated nodes: per-link latency (slower between racks), loss,
 * duplication, reordering, directed cuts that form partitions of any shape, and clogged links that
 * hold packets until unclogged. Delivery is an event on the scheduler. Called from the simulation
 * thread only; knows nothing of Raft (payloads are opaque).
 */
package io.conclave.sim.net;
