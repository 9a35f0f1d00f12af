package io.conclave.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckMainTest {
    private static final String GOOD = String.join("\n",
            "# a clean run",
            "{\"client\":1,\"op\":\"put\",\"key\":\"x\",\"value\":\"v1\",\"call_ns\":0,\"return_ns\":10,\"outcome\":\"ok\"}",
            "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":\"v1\",\"call_ns\":20,\"return_ns\":30,\"outcome\":\"ok\"}",
            "");
    private static final String BAD = GOOD
            + "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"call_ns\":40,\"return_ns\":50,\"outcome\":\"ok\"}\n";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path file(String text) throws IOException {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aPassingHistoryExitsZero() throws IOException {
        assertThat(run(file(GOOD).toString())).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("verdict: valid");
    }

    @Test
    void aFailingHistoryExitsOneAndExplains() throws IOException {
        assertThat(run(file(BAD).toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("not linearizable").contains("\"value\":null");
    }

    @Test
    void jsonOutputIsOneParseableReport() throws IOException {
        assertThat(run("--json", file(BAD).toString())).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).get("verdict").asText())
                .isEqualTo("invalid");
    }

    @Test
    void badInputExitsTwoWithTheLineNumber() throws IOException {
        assertThat(run(file(GOOD + "{\"client\":1,\"op\":\"nap\"}\n").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 4:");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("--frobnicate", "x")).isEqualTo(2);
        assertThat(run(dir.resolve("missing.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage").contains("no such file");
    }
}
