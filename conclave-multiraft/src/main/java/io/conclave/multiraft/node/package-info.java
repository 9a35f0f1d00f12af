/**
 * The face of the runtime: {@link io.conclave.multiraft.node.RaftRuntime}, created once per
 * process, with its {@link io.conclave.multiraft.node.RuntimeConfig} and the typed exceptions its
 * futures fail with. Its methods may be called from any thread: each posts a task to the event
 * loop owning the group and returns a future completed there (or by the applier's progress).
 */
package io.conclave.multiraft.node;
