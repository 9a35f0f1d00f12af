package io.conclave.check;

import java.util.Locale;

/** What a checker decided. */
public enum Verdict {
    /** The history satisfies the property. */
    VALID,
    /** The history violates the property; the explanation shows how. */
    INVALID,
    /** The checker could not decide (search budget exhausted, missing input); never a pass. */
    UNKNOWN;

    /** The verdict of several checks together: any invalid wins, then any unknown. */
    public Verdict and(Verdict other) {
        if (this == INVALID || other == INVALID) {
            return INVALID;
        }
        if (this == UNKNOWN || other == UNKNOWN) {
            return UNKNOWN;
        }
        return VALID;
    }

    /** Lower-case name, as written in JSON reports. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
