package io.conclave.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocTest {

    /** Maven runs tests in the module's directory; the docs sit beside it. */
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void theConfigurationDocListsEveryKeyWithItsDefaultAndDocLine() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        assertThat(ConfigDoc.missingFrom(doc))
                .as("keys missing or stale in %s; regenerate its table from ConfigDoc.table():%n%s", DOC, ConfigDoc.table())
                .isEmpty();
    }

    @Test
    void aRowRemovedOrWithAStaleDefaultIsCaught() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String withoutRaftPort = doc.replace(ConfigDoc.row(ConfigKey.RAFT_PORT) + "\n", "");
        assertThat(ConfigDoc.missingFrom(withoutRaftPort)).containsExactly(ConfigKey.RAFT_PORT);
        String staleDefault = doc.replace("| `http.port` | `CONCLAVE_HTTP_PORT` | `7003` |", "| `http.port` | `CONCLAVE_HTTP_PORT` | `8080` |");
        assertThat(ConfigDoc.missingFrom(staleDefault)).containsExactly(ConfigKey.HTTP_PORT);
    }

    @Test
    void theRequiredKeyIsMarkedRequired() {
        assertThat(ConfigDoc.row(ConfigKey.NODE_ID)).contains("(required)");
        assertThat(ConfigDoc.row(ConfigKey.RACK)).contains("(not set)");
    }
}
