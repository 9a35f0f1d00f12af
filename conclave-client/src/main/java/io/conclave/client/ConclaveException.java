package io.conclave.client;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.grpc.Status;

/**
 * An error a node (or the client itself) reported, with the {@link ErrorCode} to act on. Retriable
 * codes were already retried by the client up to its limits; an exception that reaches the caller is
 * final for that operation.
 */
public final class ConclaveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final long leaderHint;

    public ConclaveException(ErrorCode code, String message) {
        this(code, message, 0, null);
    }

    public ConclaveException(ErrorCode code, String message, long leaderHint, Throwable cause) {
        super(code.name() + ": " + message, cause);
        this.code = code;
        this.leaderHint = leaderHint;
    }

    /** Wraps a gRPC failure, keeping its code, leader hint and description. */
    public static ConclaveException from(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof ConclaveException) {
            return (ConclaveException) cause;
        }
        Status status = Status.fromThrowable(cause);
        String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return new ConclaveException(ApiErrors.codeOf(cause), description, ApiErrors.leaderOf(cause), cause);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 8 && (c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null; i++) {
            c = c.getCause();
        }
        return c;
    }

    public ErrorCode code() {
        return code;
    }

    /** The node id the server named as leader (of the partition or the controller), or 0. */
    public long leaderHint() {
        return leaderHint;
    }

    public boolean retriable() {
        return ApiErrors.retriable(code);
    }
}
