package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ErrorCode;
import io.conclave.client.ConclaveClient;
import io.conclave.client.ConclaveException;
import io.conclave.server.support.LocalCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A topic's configuration changed through AdminService on three real nodes, with and without an expectation. */
class TopicConfigChangeTest {

    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aConditionalChangeAppliesOnlyOverTheValueItExpected() {
        cluster = LocalCluster.startedThree(dir);
        try (ConclaveClient client = cluster.connectClient()) {
            client.admin().createTopic("audit", 1, 3, Map.of("retention.ms", "1000"));
            assertThat(client.admin().alterTopicConfig("audit", Map.of("retention.ms", "2000"),
                    Map.of("retention.ms", "1000")).getConfigMap()).containsEntry("retention.ms", "2000");
            assertThatThrownBy(() -> client.admin().alterTopicConfig("audit", Map.of("retention.ms", "3000"),
                    Map.of("retention.ms", "1000")))
                    .isInstanceOfSatisfying(ConclaveException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_MISMATCH))
                    .hasMessageContaining("not the expected '1000'");
            assertThat(client.admin().alterTopicConfig("audit", Map.of("retention.bytes", "4096"), Map.of())
                    .getConfigMap()).containsEntry("retention.ms", "2000").containsEntry("retention.bytes", "4096");
        }
    }
}
