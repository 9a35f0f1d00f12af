package io.conclave.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.proto.ErrorCode;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

    @Test
    void theTrailerNamesTheCodeAndTheLeader() {
        var e = ApiErrors.error(ErrorCode.NOT_LEADER, "ask node 3", 3);
        assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(ApiErrors.leaderOf(e)).isEqualTo(3);
        assertThat(ApiErrors.logStartOf(e)).isEqualTo(-1);
    }

    @Test
    void anOutOfRangeAnswerCarriesTheLogStart() {
        var e = ApiErrors.offsetOutOfRange("offset 2 was removed", 40);
        assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(ApiErrors.logStartOf(e)).isEqualTo(40);
    }

    @Test
    void aStreamResetByANodeGoingAwayIsRetriableNotInternal() {
        // A node stopping (SIGTERM or a crash) resets its streams: the call ends CANCELLED with no trailer.
        var reset = Status.CANCELLED.withDescription("RST_STREAM closed stream. HTTP/2 error code: CANCEL")
                .asRuntimeException();
        assertThat(ApiErrors.codeOf(reset)).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
        assertThat(ApiErrors.retriable(ApiErrors.codeOf(reset))).isTrue();
        assertThat(ApiErrors.codeOf(Status.UNAVAILABLE.asRuntimeException())).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
        assertThat(ApiErrors.codeOf(Status.DATA_LOSS.asRuntimeException())).isEqualTo(ErrorCode.INTERNAL);
    }
}
