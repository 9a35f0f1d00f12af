/**
 * A whole simulated cluster and one run of it: {@link io.conclave.sim.cluster.Cluster} wires nodes,
 * network, disks, clocks and the control plane together; {@link io.conclave.sim.cluster.Simulation}
 * runs one seed through its phases (faults, heal, liveness, final reads) and returns a
 * {@link io.conclave.sim.cluster.SimResult}. Called from the simulation thread only.
 */
package io.conclave.sim.cluster;
