/**
 * Nemeses: the faults a run injects — network (partitions of every shape, loss, duplication,
 * reordering, clogged links, slow inter-rack links), process (crash, pause, wipe), clock (drift,
 * bumps, strobing), disk (slow fsync) and control plane (membership change, leadership transfer,
 * snapshots) — and the swarm that draws, per seed, which are on and how often, with quiet
 * periods. Acts on the cluster through {@link io.conclave.sim.nemesis.FaultTarget}; called from the
 * simulation thread only.
 */
package io.conclave.sim.nemesis;
