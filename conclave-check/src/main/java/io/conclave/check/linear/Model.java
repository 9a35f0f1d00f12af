package io.conclave.check.linear;

import io.conclave.check.history.Operation;

/**
 * A sequential specification: the states of one object and how an operation moves it. States must be
 * immutable, with {@code equals}/{@code hashCode} meaning "same state" (the search memoizes on them).
 *
 * @param <S> the state type; never {@code null}
 */
public interface Model<S> {
    /** The state before any operation. */
    S initial();

    /**
     * The state after {@code op} takes effect in {@code state}, or {@code null} when {@code op} cannot
     * take effect there (its recorded result contradicts the state). For an operation with outcome
     * {@code unknown} the result is not known, so only its effect applies.
     */
    S step(S state, Operation op);

    /** A short human description of a state, for explanations. */
    String describe(S state);

    /**
     * Operations of one non-negative class are interchangeable: each has the same effect as the others
     * in every state and records no result, so they differ only in when they may take effect. The
     * search then tries only the latest-called of them among its candidates, since leaving an
     * earlier-called one for later keeps strictly more options open. {@code -1}: no class.
     */
    default int interchangeableClass(Operation op) {
        return -1;
    }
}
