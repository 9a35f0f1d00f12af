/**
 * The simulated node host: one {@link io.conclave.sim.node.SimNode} per simulated machine, hosting
 * replicas of many groups and driving each {@code RaftNode} exactly as a real host would (tick
 * timer on the node's own clock, step on delivery, propose, handle {@code ready()}: persist with a
 * simulated fsync, send, apply, answer reads, advance). Also owns the node's process faults: crash,
 * pause, restart, wipe. Called from the simulation thread only; reaches the outside only through
 * its {@link io.conclave.sim.node.NodeContext}.
 */
package io.conclave.sim.node;
