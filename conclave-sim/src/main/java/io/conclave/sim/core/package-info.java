/**
 * The heart of a simulation run: one {@link io.conclave.sim.core.Scheduler} (a priority queue of
 * events ordered by virtual time and sequence number), the run's seeded randomness
 * ({@link io.conclave.sim.core.SimRandom}) and the {@link io.conclave.sim.core.Trace} whose hash
 * identifies a run. Called from the single simulation thread only; never reads the wall clock.
 */
package io.conclave.sim.core;
