package io.conclave.multiraft.node;

/** A bound was reached (queue, uncommitted bytes, pending requests); back off and retry. */
public final class BackPressureException extends RuntimeException {

    public BackPressureException(String what) {
        super("back-pressure: " + what + "; back off and retry", null, false, false);
    }
}
