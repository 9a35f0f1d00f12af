package io.conclave.check.history;

import java.util.Locale;

/** What an operation did. The first three act on a key-value register, the last two on a partition's log. */
public enum OpType {
    /** Write a value to a register. */
    PUT(Kind.REGISTER),
    /** Read a register; {@code null} means absent. */
    GET(Kind.REGISTER),
    /** Compare-and-set a register. */
    CAS(Kind.REGISTER),
    /** Append a value to a partition's log. */
    APPEND(Kind.LOG),
    /** Read a slice of a partition's log. */
    READ(Kind.LOG);

    /** The kind of object a key names. */
    public enum Kind {
        /** A key-value register. */
        REGISTER,
        /** A partition's append-only log. */
        LOG
    }

    private final Kind kind;

    OpType(Kind kind) {
        this.kind = kind;
    }

    /** The kind of object this operation acts on. */
    public Kind kind() {
        return kind;
    }

    /** The name as written in the JSON-lines format. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; returns null when it names no operation. */
    public static OpType fromWire(String name) {
        for (OpType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
