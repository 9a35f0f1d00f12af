package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void simulatedDemoRunsAClusterAndItsCheckersPass() {
        assertThat(run("demo", "--simulated", "--seeds", "1")).as(out() + err()).isZero();
        assertThat(out()).contains("Conclave demo").contains("bin/conclave sim --seed");
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("demo").contains("sim").contains("check").contains("node").contains("topic")
                .contains("produce").contains("consume").contains("bench").contains("cluster");
    }

    @Test
    void unknownSubcommandFailsWithAMessage() {
        assertThat(run("nonsense")).isNotZero();
        assertThat(err()).contains("nonsense");
    }

    @Test
    void demoRejectsAZeroSeedCount() {
        assertThat(run("demo", "--simulated", "--seeds", "0")).isNotZero();
        assertThat(err()).contains("--seeds must be >= 1");
    }

    @Test
    void checkOfAMissingFileIsBadInput() {
        assertThat(run("check", "/nonexistent/history.jsonl")).isEqualTo(2);
    }

    @Test
    void checkOfAValidHistoryPasses(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("h.jsonl");
        Files.writeString(h, "{\"client\":1,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,"
                + "\"outcome\":\"ok\"}\n{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":3,"
                + "\"return_ns\":4,\"outcome\":\"ok\"}\n");
        assertThat(run("check", h.toString())).as(out() + err()).isZero();
    }

    @Test
    void checkOfAStaleReadFails(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("h.jsonl");
        Files.writeString(h, "{\"client\":1,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,"
                + "\"outcome\":\"ok\"}\n{\"client\":1,\"op\":\"put\",\"key\":\"x\",\"value\":\"b\",\"call_ns\":3,"
                + "\"return_ns\":4,\"outcome\":\"ok\"}\n{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":\"a\","
                + "\"call_ns\":5,\"return_ns\":6,\"outcome\":\"ok\"}\n");
        assertThat(run("check", h.toString())).isEqualTo(1);
    }
}
