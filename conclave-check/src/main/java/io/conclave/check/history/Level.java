package io.conclave.check.history;

import java.util.Locale;

/** The consistency level an operation asked for. */
public enum Level {
    /** Linearizable; the default when the field is absent. */
    LINEARIZABLE,
    /** Strong: checked as linearizable. */
    STRONG,
    /** Eventual: not linearizable by design; judged by the convergence checks only. */
    EVENTUAL;

    /** True for levels the linearizability checkers judge. */
    public boolean isLinearizable() {
        return this != EVENTUAL;
    }

    /** The name as written in the JSON-lines format. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; returns null when it names no level. */
    public static Level fromWire(String name) {
        for (Level l : values()) {
            if (l.wireName().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
