/**
 * Safety invariants checked while a simulation runs, at the moment the host sees each event: at
 * most one leader per term per group, terms and commit indexes that never go back (also across
 * restarts, for durable state), identical committed prefixes on every replica, and no STRONG or
 * LINEARIZABLE write acknowledged before a majority made it durable. A violation throws
 * {@link io.conclave.sim.invariant.InvariantViolation}, which ends the run with the seed. Called from
 * the simulation thread only.
 */
package io.conclave.sim.invariant;
