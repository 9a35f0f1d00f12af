package io.conclave.check.history;

import java.util.Locale;

/** How an operation ended, as far as its client knows. */
public enum Outcome {
    /** It happened and its result is known. */
    OK,
    /** It definitely did not happen. */
    FAIL,
    /** It may have happened, at any time after it was invoked (a timeout, a lost connection). */
    UNKNOWN;

    /** The name as written in the JSON-lines format. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; returns null when it names no outcome. */
    public static Outcome fromWire(String name) {
        for (Outcome o : values()) {
            if (o.wireName().equals(name)) {
                return o;
            }
        }
        return null;
    }
}
