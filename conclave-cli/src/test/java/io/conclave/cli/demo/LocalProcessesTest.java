package io.conclave.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessesTest {

    @Test
    void nodeSettingsAndJavaOptionsReachTheNodesCommandLine(@TempDir Path root) {
        try (LocalProcesses cluster = new LocalProcesses(root, 3, List.of("-Xmx256m", "-XX:+UseSerialGC"), "INFO",
                List.of("storage.wal.preallocate=false", "liveness.ping.ms=20"))) {
            List<String> cmd = cluster.command(2);
            int main = cmd.indexOf("io.conclave.cli.Main");
            assertThat(cmd.subList(1, main)).startsWith("-Xmx256m", "-XX:+UseSerialGC");
            List<String> args = cmd.subList(main + 1, cmd.size());
            assertThat(args).startsWith("node", "start", "--node-id", "2");
            assertThat(args).containsSequence("--set", "log.level=INFO")
                    .containsSequence("--set", "storage.wal.preallocate=false")
                    .containsSequence("--set", "liveness.ping.ms=20");
        }
    }

    @Test
    void withoutSettingsOnlyTheLogLevelIsSet(@TempDir Path root) {
        try (LocalProcesses cluster = new LocalProcesses(root, 1, List.of())) {
            List<String> cmd = cluster.command(1);
            assertThat(cmd.stream().filter("--set"::equals).count()).isEqualTo(1);
            assertThat(cmd).containsSequence("--set", "log.level=WARN");
        }
    }

    @Test
    void aMetricIsSummedOverItsLabelledSamplesAndNoOtherName() {
        String exposition = String.join("\n",
                "# HELP conclave_groups_leader_changes_total Leader changes",
                "# TYPE conclave_groups_leader_changes_total counter",
                "conclave_groups_leader_changes_total{node=\"1\"} 3.0",
                "conclave_groups_leader_changes_total{node=\"1\",loop=\"2\"} 4.0",
                "conclave_groups_leader_changes_total_created{node=\"1\"} 1.7E9",
                "conclave_groups_leader_changes 100.0",
                "conclave_liveness_suspicions_total 2.0");
        assertThat(LocalProcesses.sampleSum(exposition, "conclave_groups_leader_changes_total")).isEqualTo(7.0);
        assertThat(LocalProcesses.sampleSum(exposition, "conclave_liveness_suspicions_total")).isEqualTo(2.0);
        assertThat(LocalProcesses.sampleSum(exposition, "conclave_absent_total")).isZero();
    }
}
