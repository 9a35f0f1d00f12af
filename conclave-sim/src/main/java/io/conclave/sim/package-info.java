/**
 * The simulator's command line ({@link io.conclave.sim.SimMain}) and its options
 * ({@link io.conclave.sim.SimOptions}): run seeds, print verdicts, replay commands and summaries.
 * Runs on the caller's thread; every run is single-threaded and deterministic.
 */
package io.conclave.sim;
