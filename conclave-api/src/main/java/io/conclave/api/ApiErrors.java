package io.conclave.api;

import io.conclave.api.proto.ErrorCode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The error convention of the API: a gRPC status whose description says what went wrong, plus the
 * trailers {@code conclave-error} (an {@link ErrorCode} name) and {@code conclave-leader} (a node id,
 * when known) that clients route and retry on.
 */
public final class ApiErrors {

    public static final Metadata.Key<String> ERROR_KEY = Metadata.Key.of("conclave-error", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> LEADER_KEY = Metadata.Key.of("conclave-leader", Metadata.ASCII_STRING_MARSHALLER);
    /** On {@code OFFSET_OUT_OF_RANGE}: the first offset the answering replica still holds. */
    public static final Metadata.Key<String> LOG_START_KEY = Metadata.Key.of("conclave-log-start", Metadata.ASCII_STRING_MARSHALLER);

    private static final Set<ErrorCode> RETRIABLE = EnumSet.of(ErrorCode.NOT_LEADER, ErrorCode.LEADER_NOT_AVAILABLE,
            ErrorCode.FENCED, ErrorCode.BACK_PRESSURE, ErrorCode.TIMEOUT, ErrorCode.NOT_CONTROLLER);

    private ApiErrors() {
    }

    /** The gRPC status code each error travels with. */
    public static Status.Code statusOf(ErrorCode code) {
        switch (code) {
            case NOT_LEADER:
            case LEADER_NOT_AVAILABLE:
            case NOT_CONTROLLER:
            case FENCED:
                return Status.Code.UNAVAILABLE;
            case UNKNOWN_TOPIC:
            case UNKNOWN_PARTITION:
                return Status.Code.NOT_FOUND;
            case INVALID_REQUEST:
            case RECORD_TOO_LARGE:
                return Status.Code.INVALID_ARGUMENT;
            case OFFSET_OUT_OF_RANGE:
                return Status.Code.OUT_OF_RANGE;
            case OUT_OF_ORDER_SEQUENCE:
            case CLUSTER_ID_MISMATCH:
            case CONFIG_MISMATCH:
                return Status.Code.FAILED_PRECONDITION;
            case BACK_PRESSURE:
            case STORAGE_FULL:
                return Status.Code.RESOURCE_EXHAUSTED;
            case TIMEOUT:
                return Status.Code.DEADLINE_EXCEEDED;
            case TOPIC_EXISTS:
                return Status.Code.ALREADY_EXISTS;
            default:
                return Status.Code.INTERNAL;
        }
    }

    /** An error to answer with; {@code leader} 0 when unknown. */
    public static StatusRuntimeException error(ErrorCode code, String message, long leader) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_KEY, code.name());
        if (leader > 0) {
            trailers.put(LEADER_KEY, Long.toString(leader));
        }
        return Status.fromCode(statusOf(code)).withDescription(message).asRuntimeException(trailers);
    }

    public static StatusRuntimeException error(ErrorCode code, String message) {
        return error(code, message, 0);
    }

    /** {@code OFFSET_OUT_OF_RANGE}, with the replica's log start offset in a trailer. */
    public static StatusRuntimeException offsetOutOfRange(String message, long logStartOffset) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_KEY, ErrorCode.OFFSET_OUT_OF_RANGE.name());
        trailers.put(LOG_START_KEY, Long.toString(logStartOffset));
        return Status.fromCode(statusOf(ErrorCode.OFFSET_OUT_OF_RANGE)).withDescription(message)
                .asRuntimeException(trailers);
    }

    /** The log start offset an {@code OFFSET_OUT_OF_RANGE} error carries, or -1. */
    public static long logStartOf(Throwable t) {
        Metadata trailers = Status.trailersFromThrowable(t);
        String v = trailers == null ? null : trailers.get(LOG_START_KEY);
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The code an error carries: its trailer, or one inferred from the status when there is none. */
    public static ErrorCode codeOf(Throwable t) {
        Status status = Status.fromThrowable(t);
        Metadata trailers = Status.trailersFromThrowable(t);
        if (trailers != null) {
            String name = trailers.get(ERROR_KEY);
            if (name != null) {
                try {
                    return ErrorCode.valueOf(name);
                } catch (IllegalArgumentException unknown) {
                    return ErrorCode.INTERNAL;
                }
            }
        }
        switch (status.getCode()) {
            case UNAVAILABLE:
            case CANCELLED: // without our trailer: the node reset the stream as it went away; the outcome is unknown
                return ErrorCode.LEADER_NOT_AVAILABLE;
            case DEADLINE_EXCEEDED:
                return ErrorCode.TIMEOUT;
            case RESOURCE_EXHAUSTED:
                return ErrorCode.BACK_PRESSURE;
            case INVALID_ARGUMENT:
                return ErrorCode.INVALID_REQUEST;
            default:
                return ErrorCode.INTERNAL;
        }
    }

    /** The leader hint an error carries, or 0. */
    public static long leaderOf(Throwable t) {
        Metadata trailers = Status.trailersFromThrowable(t);
        if (trailers == null) {
            return 0;
        }
        String v = trailers.get(LEADER_KEY);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether a client should retry after this error (after refreshing metadata for the routing ones). */
    public static boolean retriable(ErrorCode code) {
        return RETRIABLE.contains(code);
    }
}
