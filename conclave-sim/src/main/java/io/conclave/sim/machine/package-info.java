/**
 * The replicated test state machine every simulated group runs: registers (put, cas) and
 * append-only logs, keyed by string, fed by committed entries and serialized into snapshots.
 * Called from the simulation thread by the node host only.
 */
package io.conclave.sim.machine;
