/**
 * The real node runtime under the simulator: {@code conclave-multiraft}'s event loops, replicas,
 * appliers and liveness monitor, {@code conclave-storage}'s engine (WAL group commit, segments,
 * snapshots) over a {@link io.conclave.storage.disk.SimDisk}, and a {@link io.conclave.transport.Transport}
 * over the simulated network, assembled by {@link io.conclave.multiraft.node.NodeAssembly} as in
 * production — every agent stepped by hand from the one scheduler thread, with the node's time read
 * from the scheduler. Owns the simulated node ({@link io.conclave.sim.runtime.RuntimeNode}), each of its
 * lives ({@link io.conclave.sim.runtime.Incarnation}) and clocks ({@link io.conclave.sim.runtime.RuntimeClock}),
 * its transport, the test state machine and its oracle, the server's data plane and controller metadata
 * path run on it ({@link io.conclave.sim.runtime.DataPlane}, {@link io.conclave.sim.runtime.MetadataPlane}),
 * the server's reconciler run on each node of a metadata run and the partition groups it creates
 * ({@link io.conclave.sim.runtime.NodeReconciliation}, {@link io.conclave.sim.runtime.PartitionGroups},
 * their writer and end-of-run checks), the server's membership and removal decisions driven on it
 * ({@link io.conclave.sim.runtime.PartitionMembership}) and the administrator whose topic deletions and
 * replication-factor changes give them work ({@link io.conclave.sim.runtime.TopicChurn}),
 * the workloads, the nemesis, the control-plane events ({@link io.conclave.sim.runtime.RuntimeControl},
 * partition moves in {@link io.conclave.sim.runtime.PartitionMoves}) and where each group lives
 * ({@link io.conclave.sim.runtime.Placement}), the node's faulty view of its disk, the
 * storage buggify source of a run, and one seed's run
 * ({@link io.conclave.sim.runtime.RuntimeSimulation}). Everything here runs on the simulation thread;
 * it never starts a thread and never reads the wall clock except to report how long a run took.
 */
package io.conclave.sim.runtime;
