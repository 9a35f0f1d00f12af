/**
 * Node-level liveness: every pair of nodes exchanges pings on the priority lane every few
 * milliseconds and each node keeps a {@link io.conclave.multiraft.liveness.PhiAccrualDetector} per
 * peer. {@link io.conclave.multiraft.liveness.LivenessMonitor} is owned by event loop 0 (its timer
 * sends pings and evaluates the detectors); transport threads only enqueue ping arrivals, stamped
 * with the injected clock. It never touches Raft state: suspicions go to a listener (the runtime),
 * which tells every loop to start failover elections.
 */
package io.conclave.multiraft.liveness;
