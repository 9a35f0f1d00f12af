/**
 * Simulated clients and the workloads they run: registers (put/get/cas) and partition logs
 * (append/read), at every consistency level, each completed operation recorded for the history
 * checkers. At most a configured number (≤ 8) of concurrent clients per key; a client that times out
 * records {@code unknown} and continues under a new id. Called from the simulation thread only.
 */
package io.conclave.sim.workload;
