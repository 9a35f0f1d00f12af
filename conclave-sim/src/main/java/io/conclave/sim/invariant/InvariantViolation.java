package io.conclave.sim.invariant;

/** A safety invariant broke; the message names the group, the replicas and the values. */
public final class InvariantViolation extends RuntimeException {

    private final String invariant;

    public InvariantViolation(String invariant, String detail) {
        super(invariant + ": " + detail);
        this.invariant = invariant;
    }

    /** The short name of the invariant that broke. */
    public String invariant() {
        return invariant;
    }
}
