package io.conclave.sim.invariant;

/** Where the invariants learn what each replica has made durable (the simulated disks' truth). */
@FunctionalInterface
public interface DurabilityView {

    /** Whether replica {@code replicaId} of {@code group} would still have entry (index, term) after a crash. */
    boolean isDurable(int group, long replicaId, long index, long term);
}
