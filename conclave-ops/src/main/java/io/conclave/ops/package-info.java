/**
 * What a running node needs to be operated, wired in one place: {@link io.conclave.ops.NodeOps}
 * takes a validated {@link io.conclave.ops.config.NodeConfig} and a started runtime and runs the
 * metrics, the group census, the event log and the HTTP endpoint around it. Created, started and
 * closed by the thread that starts the node; it never drives the runtime, only observes it through
 * its public calls.
 */
package io.conclave.ops;
