package io.conclave.multiraft.node;

/**
 * A request that did not go through for a reason other than leadership or back-pressure: a
 * membership change already pending, an invalid change, a timeout, a closed runtime, an unknown group.
 */
public final class RequestFailedException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** The group is not hosted on this node. */
        UNKNOWN_GROUP,
        /** Another membership change is not applied yet. */
        CONF_CHANGE_PENDING,
        /** The request is invalid for the group. */
        INVALID,
        /** No answer within the request timeout; the outcome is unknown. */
        TIMEOUT,
        /** The runtime closed, or the replica broke on a storage failure. */
        CLOSED
    }

    private final Reason reason;

    public RequestFailedException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
