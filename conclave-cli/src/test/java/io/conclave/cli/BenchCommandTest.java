package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine suites of {@code bench} at a tiny size, in this JVM: each prints its table, and the JSON
 * document holds every figure with its unit, parameters and date, the machine, and sane values
 * (positive counts, p50 <= p99). The data suite's run is in {@link NodeProcessesTest}, against the
 * node processes that test starts anyway.
 */
class BenchCommandTest {

    @Test
    void theEngineSuitesAtATinySizePrintTheirTablesAndWriteTheirFiguresAsJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bench.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--suite", "raft,storage,runtime,idle,failover", "--latency-records",
            "200", "--seconds", "1", "--warmup-seconds", "0", "--groups", "3", "--trials", "1", "--raft-entries", "5000",
            "--raft-batches", "1,16", "--dir", dir.toString(), "--out", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stdout + stderr).isZero();
        assertThat(stdout).contains("Raft core", "storage", "Multi-Raft runtime", "idle cost", "failover",
                "reproduce: java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.storage.StorageBench");

        JsonNode doc = new ObjectMapper().readTree(Files.readString(file));
        assertThat(doc.get("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(doc.get("machine").get("cores").asInt()).isPositive();
        assertThat(doc.get("machine").get("java").asText()).isEqualTo(System.getProperty("java.version"));
        assertThat(doc.get("errors")).isEmpty();
        assertThat(doc.get("suites").toString()).isEqualTo("[\"raft\",\"storage\",\"runtime\",\"idle\",\"failover\"]");
        assertThat(doc.get("suiteSeconds").get("storage").asDouble()).isPositive();
        assertEveryFigureComplete(doc);

        // raft: one run per batch size, each committing at least the entries asked for
        assertThat(values(doc, "raft", "entriesCommitted")).hasSize(2).allMatch(v -> v >= 5000);
        assertThat(values(doc, "raft", "entriesPerCpuSecond")).hasSize(2).allMatch(v -> v > 0);
        // storage: the raw disk, then 2 shapes x 2 modes at 3 groups
        assertThat(values(doc, "storage", "rawFsyncs")).singleElement().matches(v -> v > 0);
        assertOrdered(doc, "storage", "rawFsyncP50", "rawFsyncP99");
        assertThat(values(doc, "storage", "appendP50")).hasSize(2);
        List<Double> p50 = values(doc, "storage", "appendP50");
        List<Double> p99 = values(doc, "storage", "appendP99");
        for (int i = 0; i < p50.size(); i++) {
            assertThat(p50.get(i)).isPositive().isLessThanOrEqualTo(p99.get(i));
        }
        assertThat(values(doc, "storage", "appendsPerSecond")).hasSize(4).allMatch(v -> v > 0);
        assertThat(values(doc, "storage", "failedWrites")).hasSize(4).allMatch(v -> v == 0);
        // runtime: commit latency and throughput
        assertOrdered(doc, "runtime", "commitLatencyP50", "commitLatencyP99", "commitLatencyMax");
        assertThat(values(doc, "runtime", "committed")).singleElement().matches(v -> v > 0);
        assertOrdered(doc, "runtime", "latencyUnderLoadP50", "latencyUnderLoadP99");
        // idle and failover
        assertThat(values(doc, "idle", "processCpu")).singleElement().matches(v -> v > 0);
        assertThat(values(doc, "idle", "heapWithGroups")).singleElement().matches(v -> v > 0);
        assertThat(values(doc, "failover", "groupsFailedOver")).singleElement().matches(v -> v > 0);
        assertOrdered(doc, "failover", "groupP50", "groupP99");
        assertOrdered(doc, "failover", "trialP50", "trialMax");
        assertThat(values(doc, "failover", "trialP50")).singleElement().matches(v -> v > 0);
        JsonNode any = figures(doc, "failover", "trialP50").get(0);
        assertThat(any.get("parameters").get("command").asText()).contains("FailoverBench --trials 1 --groups 3");
    }

    /** Every figure has a suite, name, unit, parameters, date and a finite number. */
    static void assertEveryFigureComplete(JsonNode doc) {
        assertThat(doc.get("figures")).isNotEmpty();
        for (JsonNode f : doc.get("figures")) {
            assertThat(f.get("suite").asText()).isNotBlank();
            assertThat(f.get("name").asText()).isNotBlank();
            assertThat(f.get("unit").asText()).isNotBlank();
            assertThat(f.get("parameters").isObject()).as(f.toString()).isTrue();
            assertThat(f.get("date").asText()).isNotBlank();
            assertThat(f.get("value").isNumber()).as(f.toString()).isTrue();
            assertThat(Double.isFinite(f.get("value").asDouble())).as(f.toString()).isTrue();
        }
    }

    /** A suite's figures named {@code names}, in order, each single and positive, none above the next. */
    static void assertOrdered(JsonNode doc, String suite, String... names) {
        double prev = 0;
        for (String n : names) {
            List<Double> v = values(doc, suite, n);
            assertThat(v).as(suite + "." + n).singleElement().matches(x -> x > 0, "positive");
            assertThat(v.get(0)).as(suite + "." + n + " after " + prev).isGreaterThanOrEqualTo(prev);
            prev = v.get(0);
        }
    }

    static List<Double> values(JsonNode doc, String suite, String name) {
        List<Double> out = new ArrayList<>();
        for (JsonNode f : figures(doc, suite, name)) {
            out.add(f.get("value").asDouble());
        }
        return out;
    }

    static List<JsonNode> figures(JsonNode doc, String suite, String name) {
        Predicate<JsonNode> match = f -> f.get("suite").asText().equals(suite) && f.get("name").asText().equals(name);
        List<JsonNode> out = new ArrayList<>();
        doc.get("figures").forEach(f -> {
            if (match.test(f)) {
                out.add(f);
            }
        });
        return out;
    }
}
