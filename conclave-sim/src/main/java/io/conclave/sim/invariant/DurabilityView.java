package io.conclave.sim.invariant;

/** Where the invariants learn what each replica has made durable (the simulated disks' truth). */
public interface DurabilityView {

    /** Whether replica {@code replicaId} of {@code group} would still have entry (index, term) after a crash. */
    boolean isDurable(int group, long replicaId, long index, long term);

    /** A line about what the replica holds near {@code index}, for violation reports. */
    default String describe(int group, long replicaId, long index) {
        return "";
    }
}
