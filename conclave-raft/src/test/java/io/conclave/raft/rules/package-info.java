/**
 * One test per rule of the Raft paper (extended version) and per feature of the core, grouped by
 * section, with {@link io.conclave.raft.rules.Net}: a step-by-step driver that lets a test hold,
 * drop, reorder and inspect single messages. Single-threaded; drives time by ticks only; never
 * touches files, clocks or sockets.
 */
package io.conclave.raft.rules;
