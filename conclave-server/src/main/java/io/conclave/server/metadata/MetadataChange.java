package io.conclave.server.metadata;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.metadata.ClusterImage;
import java.util.function.Function;

/**
 * The decisions of one metadata change on the controller leader, free of threads and waiting
 * ({@code ControllerOps} chains them on the thread of changes its host provides: the node's own thread, or
 * the simulator's scheduler). A change is: a ReadIndex barrier on the
 * controller group (the image is current), {@link #plan} against the image, propose the planned batch
 * and wait until it is applied on this node, then {@link #refusedAtApply} (replay may still skip a
 * batch that a concurrent change overtook). Changes that plan no records are reads: the image after
 * the barrier is their answer.
 */
public final class MetadataChange {

    private MetadataChange() {
    }

    /**
     * What a change decided against an image: refused ({@code error} set, nothing to write), nothing to
     * write ({@code batch} null: the image is the answer), or a batch of records to propose.
     */
    public record Plan(MetadataError error, byte[] batch) {

        public boolean refused() {
            return error != null;
        }
    }

    /** Runs {@code op}'s handler against {@code image}: refused, a read, or the encoded batch to propose. */
    public static Plan plan(ClusterImage image, Function<ClusterImage, ControllerResult<MetadataError>> op) {
        ControllerResult<MetadataError> r = op.apply(image);
        if (!r.response().ok()) {
            return new Plan(r.response(), null);
        }
        return new Plan(null, r.records().isEmpty() ? null : MetadataLog.encodeBatch(r.records()));
    }

    /**
     * After the batch proposed at {@code index} was applied on this node: null when replay applied it,
     * else why it was skipped (it no longer fit the image). Null too when the result was not kept.
     */
    public static String refusedAtApply(MetadataLog log, long index) {
        String outcome = log.resultAt(index);
        return outcome == null || outcome.isEmpty() ? null : outcome;
    }

    /** The error a client sees for a refused plan. */
    public static RuntimeException refusal(MetadataError e) {
        return ApiErrors.error(codeOf(e), e.message());
    }

    /** The error a client sees when replay skipped the change's batch. */
    public static RuntimeException refusedAtApplyError(String reason) {
        return ApiErrors.error(ErrorCode.INTERNAL, "the metadata change was refused when applied: " + reason);
    }

    /** The API's error code for a handler's refusal. */
    public static ErrorCode codeOf(MetadataError e) {
        switch (e.code()) {
            case TOPIC_EXISTS:
                return ErrorCode.TOPIC_EXISTS;
            case UNKNOWN_TOPIC:
                return ErrorCode.UNKNOWN_TOPIC;
            case CONFIG_MISMATCH:
                return ErrorCode.CONFIG_MISMATCH;
            default:
                return ErrorCode.INVALID_REQUEST;
        }
    }
}
