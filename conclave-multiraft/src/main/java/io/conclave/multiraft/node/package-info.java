/**
 * The face of the runtime: {@link io.conclave.multiraft.node.RaftRuntime}, created once per
 * process, with its {@link io.conclave.multiraft.node.RuntimeConfig} and the typed exceptions its
 * futures fail with. Its methods may be called from any thread: each posts a task to the event
 * loop owning the group and returns a future completed there (or by the applier's progress).
 * {@link io.conclave.multiraft.node.NodeAssembly} builds one incarnation's pieces (storage, loops,
 * appliers, liveness and failover, recovered replicas, inbound handler) without starting a thread:
 * the runtime gives them threads, the simulator steps them by hand.
 */
package io.conclave.multiraft.node;
