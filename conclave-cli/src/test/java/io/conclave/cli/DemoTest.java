package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's code path, shortened: three node processes, a STRONG producer and a consumer, the
 * leader of partition 0 killed with SIGKILL and restarted, and the verification asserted from the
 * JSON summary.
 */
class DemoTest {

    @BeforeAll
    static void childClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp != null) {
            System.setProperty("conclave.child.classpath", cp);
        }
    }

    @Test
    void theDemoLosesAndDuplicatesNothingWhenALeaderIsKilled() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"demo", "--records", "4000", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stdout + stderr).isZero();
        String[] lines = stdout.strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(summary.get("acknowledged").asLong()).isEqualTo(4000);
        assertThat(summary.get("consumed").asLong()).isGreaterThanOrEqualTo(4000);
        assertThat(summary.get("lost").asLong()).isZero();
        assertThat(summary.get("duplicated").asLong()).isZero();
        assertThat(summary.get("replicasIdentical").asBoolean()).isTrue();
        assertThat(summary.get("killedNode").asLong()).isBetween(1L, 3L);
        assertThat(summary.get("failoverMs").asLong()).isPositive();
        assertThat(summary.has("throughputPerSec") && summary.has("latencyP50Ms") && summary.has("latencyP99Ms")).isTrue();
        assertThat(stderr).contains("killing node").contains("restarting node");
    }
}
