package io.conclave.server.node;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RequestFailedException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps what the runtime throws to the API's statuses (see {@link ApiErrors}). */
public final class Errors {

    private Errors() {
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        if (t instanceof NotLeaderException nl) {
            return ApiErrors.error(nl.leaderHint() == 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER,
                    nl.getMessage(), nl.leaderHint());
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return ApiErrors.error(ErrorCode.TIMEOUT, "the request did not complete within the node's request timeout");
        }
        if (t instanceof java.util.concurrent.RejectedExecutionException) {
            return ApiErrors.error(ErrorCode.BACK_PRESSURE, "the node has too many fetches waiting; retry");
        }
        if (t instanceof BackPressureException) {
            return ApiErrors.error(ErrorCode.BACK_PRESSURE, t.getMessage());
        }
        if (t instanceof RequestFailedException rf) {
            switch (rf.reason()) {
                case TIMEOUT:
                    return ApiErrors.error(ErrorCode.TIMEOUT, rf.getMessage());
                case UNKNOWN_GROUP:
                    return ApiErrors.error(ErrorCode.NOT_LEADER, rf.getMessage());
                case CONF_CHANGE_PENDING:
                    return ApiErrors.error(ErrorCode.BACK_PRESSURE, rf.getMessage());
                default:
                    return ApiErrors.error(ErrorCode.LEADER_NOT_AVAILABLE, rf.getMessage());
            }
        }
        if (t instanceof IllegalStateException) {
            return ApiErrors.error(ErrorCode.LEADER_NOT_AVAILABLE, "node is not serving: " + t.getMessage());
        }
        return ApiErrors.error(ErrorCode.INTERNAL, String.valueOf(t));
    }
}
