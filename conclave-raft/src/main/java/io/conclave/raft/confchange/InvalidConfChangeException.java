package io.conclave.raft.confchange;

/** A configuration change that is not allowed from the current membership; the message says why. */
public final class InvalidConfChangeException extends IllegalArgumentException {

    public InvalidConfChangeException(String message) {
        super(message);
    }
}
