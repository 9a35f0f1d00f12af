package io.conclave.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportConfigTest {

    private final TransportConfig ok = TransportConfig.defaults("127.0.0.1", 0);

    @Test
    void theDefaultsAreValid() {
        assertThat(ok.validate()).isSameAs(ok);
    }

    @Test
    void everyBadBoundIsRejectedWithItsName() {
        assertBad(ok.withPort(70_000), "port");
        assertBad(ok.withLimits(Lane.BULK, new TransportConfig.LaneLimits(0, 10)), "bulk lane");
        assertBad(ok.withLimits(Lane.PRIORITY, new TransportConfig.LaneLimits(10, 0)), "priority lane");
        assertBad(ok.withBatch(0, 1_000), "batch limits");
        assertBad(ok.withBatch(10, ok.inboundMessageBytesMax()), "inboundMessageBytesMax");
        assertBad(ok.withBackoff(0, 10), "backoffMinMs");
        assertBad(ok.withBackoff(100, 10), "backoffMinMs");
        assertBad(ok.withShutdownMs(0), "deadlines");
        assertBad(new TransportConfig(" ", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 65_535, 1, 1,
                0, 1, 10_000, 1, 2, 1, 0, true), "bindHost");
        assertBad(new TransportConfig("h", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 1_000, 1, 1,
                0, 1, 10_000, 1, 2, 1, 0, true), "flowControlWindowBytes");
        assertBad(new TransportConfig("h", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 65_535, 1, 1,
                1.5, 1, 10_000, 1, 2, 1, 0, true), "backoffJitter");
        assertBad(new TransportConfig("h", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 65_535, 1, 1,
                0, 1, 10_000, 0, 2, 1, 0, true), "senderThreads");
        assertBad(new TransportConfig("h", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 65_535, 1, 1,
                0, 1, 9_999, 1, 2, 1, 0, true), "keepAliveMs");
        assertBad(new TransportConfig("h", 0, ok.priority(), ok.bulk(), ok.snapshot(), 1, 1, 2_000, 65_535, 1, 1,
                0, 1, 10_000, 1, 0, 1, 0, true), "inboundThreads");
    }

    @Test
    void laneOfRoutesVotesHeartbeatsAndReadsToPriorityAndChunksToSnapshot() {
        assertThat(Lane.of(io.conclave.raft.message.MessageType.VOTE)).isEqualTo(Lane.PRIORITY);
        assertThat(Lane.of(io.conclave.raft.message.MessageType.HEARTBEAT_RESPONSE)).isEqualTo(Lane.PRIORITY);
        assertThat(Lane.of(io.conclave.raft.message.MessageType.READ_INDEX)).isEqualTo(Lane.PRIORITY);
        assertThat(Lane.of(io.conclave.raft.message.MessageType.SNAPSHOT_CHUNK)).isEqualTo(Lane.SNAPSHOT);
        assertThat(Lane.of(io.conclave.raft.message.MessageType.APPEND)).isEqualTo(Lane.BULK);
        assertThat(Lane.of(io.conclave.raft.message.MessageType.PROPOSE)).isEqualTo(Lane.BULK);
    }

    private static void assertBad(TransportConfig c, String named) {
        assertThatThrownBy(c::validate).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }
}
