/**
 * Per-node virtual clocks: an offset and a drift rate over the scheduler's virtual time, bumps
 * (jumps forward or back) and strobing. A node's tick timer runs on its own clock, so a node with
 * drift +2 % ticks 2 % faster in virtual time. Called from the simulation thread only.
 */
package io.conclave.sim.clock;
