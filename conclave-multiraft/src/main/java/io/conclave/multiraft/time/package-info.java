/**
 * Time for the runtime: the {@link io.conclave.multiraft.time.Clock} every timeout and tick is read
 * from. {@link io.conclave.multiraft.time.SystemClock} is the only caller of {@code System.nanoTime()}
 * in the project; {@link io.conclave.multiraft.time.ManualClock} lets tests and the simulator move
 * time by hand. Any thread may read a clock; only the test or simulator thread advances a manual one.
 */
package io.conclave.multiraft.time;
