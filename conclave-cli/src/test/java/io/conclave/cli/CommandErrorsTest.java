package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and invalid configuration: a clear message and a non-zero exit, never a stack trace. */
class CommandErrorsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void nodeStartWithoutANodeIdNamesTheKey(@TempDir Path dir) {
        assertThat(run("node", "start", "--data-dir", dir.toString(), "--initial-controllers",
                "1@127.0.0.1:7001:7002")).isEqualTo(2);
        assertThat(err()).contains("node.id").doesNotContain("Exception");
    }

    @Test
    void nodeStartWithABadPortNamesTheKeyAndTheReason(@TempDir Path dir) {
        assertThat(run("node", "start", "--node-id", "1", "--raft-port", "70000", "--data-dir", dir.toString(),
                "--initial-controllers", "1@127.0.0.1:7001:7002")).isEqualTo(2);
        assertThat(err()).contains("raft.port").contains("70000");
    }

    @Test
    void anUnknownKeyInTheConfigFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "node.id=1\nraft.prot=7001\n");
        assertThat(run("node", "start", "--config", file.toString())).isEqualTo(2);
        assertThat(err()).contains("raft.prot");
    }

    @Test
    void aNodeWithNeitherControllersNorSeedsIsRefused(@TempDir Path dir) {
        assertThat(run("node", "start", "--node-id", "4", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("initial.controllers").contains("seeds");
    }

    @Test
    void topicCreateWithoutANameIsAUsageError() {
        assertThat(run("topic", "create")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter");
    }

    @Test
    void produceWithABadConsistencyIsAUsageError() {
        assertThat(run("produce", "t", "--consistency", "SOMETIMES")).isEqualTo(2);
        assertThat(err()).contains("--consistency");
    }

    @Test
    void talkingToNoClusterFailsWithAMessage() {
        int free = io.conclave.cli.demo.LocalProcessesAccess.freePort();
        assertThat(run("topic", "list", "--bootstrap", "127.0.0.1:" + free, "--timeout-ms", "500")).as(err()).isEqualTo(1);
        assertThat(err()).contains("conclave topic list");
    }

    @Test
    void benchWithAnUnknownSuiteNamesTheChoices() {
        assertThat(run("bench", "--suite", "raft,disk")).isEqualTo(2);
        assertThat(err()).contains("unknown suite 'disk'").contains("data, raft, storage, runtime, idle, failover, all")
                .doesNotContain("Exception");
    }

    @Test
    void benchWithANonPositiveSizeNamesTheFlag() {
        assertThat(run("bench", "--suite", "raft", "--seconds", "0")).isEqualTo(2);
        assertThat(err()).contains("--seconds must be >= 1, was 0");
    }

    @Test
    void benchWithABadGroupListNamesTheFlag() {
        assertThat(run("bench", "--suite", "storage", "--groups", "1,-5")).isEqualTo(2);
        assertThat(err()).contains("--groups").contains("-5");
    }

    @Test
    void benchWithANonNumberIsAUsageError() {
        assertThat(run("bench", "--raft-entries", "lots")).isEqualTo(2);
        assertThat(err()).contains("--raft-entries").contains("lots");
    }

    @Test
    void benchWithANodeSettingNoNodeAcceptsIsRefusedBeforeAnyNodeStarts() {
        assertThat(run("bench", "--node-set", "storage.wal.preallocate=maybe")).isEqualTo(2);
        assertThat(err()).contains("--node-set").contains("storage.wal.preallocate").contains("maybe");
        assertThat(run("bench", "--node-set", "storage.wal.prealocate=false")).isEqualTo(2);
        assertThat(err()).contains("unknown key 'storage.wal.prealocate'");
        assertThat(run("bench", "--node-set", "preallocate")).isEqualTo(2);
        assertThat(err()).contains("--node-set preallocate: expected key=value");
    }

    @Test
    void benchWithALatencyFileInAMissingDirectoryIsRefusedBeforeRunning(@TempDir Path dir) {
        assertThat(run("bench", "--latency-out", dir.resolve("no/such/latency.txt").toString())).isEqualTo(2);
        assertThat(err()).contains("--latency-out").contains("no such directory");
    }

    @Test
    void benchWithNodeLogsIntoSomethingThatIsNotADirectoryIsRefusedBeforeRunning(@TempDir Path dir) {
        assertThat(run("bench", "--node-logs", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err()).contains("--node-logs").contains("is not a directory");
    }

    @Test
    void benchIntoAMissingDirectoryIsRefusedBeforeRunning(@TempDir Path dir) {
        assertThat(run("bench", "--suite", "raft", "--out", dir.resolve("no/such/bench.json").toString())).isEqualTo(2);
        assertThat(err()).contains("--out").contains("no such directory");
    }
}
