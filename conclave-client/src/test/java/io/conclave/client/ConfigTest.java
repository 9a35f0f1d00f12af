package io.conclave.client;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ConsistencyLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void defaultsAreValid() {
        assertThatCode(() -> ClientConfig.of("localhost:7001").validate()).doesNotThrowAnyException();
        assertThatCode(() -> ProducerConfig.defaults().validate()).doesNotThrowAnyException();
        assertThatCode(() -> ConsumerConfig.defaults().validate()).doesNotThrowAnyException();
    }

    @Test
    void badClientSettingsAreNamed() {
        assertThatThrownBy(() -> ClientConfig.of(List.of()).validate()).hasMessageContaining("bootstrap");
        assertThatThrownBy(() -> ClientConfig.of("nohost").validate()).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ClientConfig.of("h:99999").validate()).hasMessageContaining("port");
        assertThatThrownBy(() -> ClientConfig.of("h:1").withRequestTimeoutMs(0).validate())
                .hasMessageContaining("requestTimeoutMs");
        assertThatThrownBy(() -> ClientConfig.of("h:1").withRetryBackoffMs(100, 10).validate())
                .hasMessageContaining("retryBackoffMsMax");
    }

    @Test
    void badProducerAndConsumerSettingsAreNamed() {
        assertThatThrownBy(() -> ProducerConfig.defaults().withBatchLimits(0, 10).validate())
                .hasMessageContaining("batchBytesMax");
        assertThatThrownBy(() -> ProducerConfig.defaults().withBuffer(1024, ProducerConfig.BufferFull.FAIL, 0).validate())
                .hasMessageContaining("bufferBytesMax");
        assertThatThrownBy(() -> ProducerConfig.defaults().withConsistency(ConsistencyLevel.CONSISTENCY_UNSPECIFIED)
                .validate()).hasMessageContaining("consistency");
        assertThatThrownBy(() -> ProducerConfig.defaults().withLingerMs(-1).validate()).hasMessageContaining("lingerMs");
        assertThatThrownBy(() -> ConsumerConfig.defaults().withFetchBytesMax(0).validate())
                .hasMessageContaining("fetchBytesMax");
    }
}
