package io.conclave.raft.property;

/** A broken Raft invariant, named so that tests can tell which checker caught what. */
final class SafetyViolation extends AssertionError {

    /** The invariants {@link SafetyChecker} and the liveness phase check. */
    enum Invariant {
        /** At most one leader per term. */
        ELECTION_SAFETY,
        /** A node's term never goes back (in memory within a run, persisted across restarts). */
        TERM_MONOTONIC,
        /** A node's commit index never goes back (in memory within a run, persisted across restarts). */
        COMMIT_MONOTONIC,
        /** Two logs with an entry of the same index and term are identical up to it. */
        LOG_MATCHING,
        /** A leader never loses an entry while it stays leader in the same term. */
        LEADER_APPEND_ONLY,
        /** A committed entry is in the log of every leader of a later term. */
        LEADER_COMPLETENESS,
        /** No two nodes apply different entries at one index; committed entries never change. */
        STATE_MACHINE_SAFETY,
        /** Once faults stop, a leader is elected and proposals commit within the stated bounds. */
        LIVENESS
    }

    final Invariant invariant;

    SafetyViolation(Invariant invariant, String message) {
        super(invariant + ": " + message);
        this.invariant = invariant;
    }
}
