package io.conclave.check;

import static io.conclave.check.Ops.append;
import static io.conclave.check.Ops.get;
import static io.conclave.check.Ops.history;
import static io.conclave.check.Ops.put;
import static io.conclave.check.Ops.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.check.history.History;
import io.conclave.check.linear.LinearizabilityConfig;
import io.conclave.check.log.ReplicaLog;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckersTest {
    private final History good = history(
            put(1, "x", "a", 0, 10),
            get(2, "x", "a", 20, 30),
            append(3, "p", "m", 0, 0, 10),
            read(4, "p", 0, 20, 30, "m"));

    private final History bad = history(
            put(1, "x", "a", 0, 10),
            get(2, "x", "b", 20, 30),
            append(3, "p", "m", 0, 0, 10),
            read(4, "p", 0, 20, 30));

    @Test
    void aGoodHistoryPassesEveryApplicableChecker() {
        Report report = Checkers.runAll(good);

        assertThat(report.verdict()).isEqualTo(Verdict.VALID);
        assertThat(report.results()).extracting(CheckResult::checker).containsExactly("linearizability", "log-scan");
        assertThat(report.result("linearizability").orElseThrow().count("keys")).isEqualTo(2);
    }

    @Test
    void aBadHistoryFailsAndTheReportSaysWhere() {
        Report report = Checkers.runAll(bad);

        assertThat(report.verdict()).isEqualTo(Verdict.INVALID);
        CheckResult lin = report.result("linearizability").orElseThrow();
        assertThat(lin.count("keysInvalid")).isEqualTo(2);
        assertThat(report.toText()).contains("verdict: invalid").contains("key \"x\" (register): not linearizable");
        assertThat(report.result("log-scan").orElseThrow().count("stale-read")).isEqualTo(1);
    }

    @Test
    void registerOnlyHistoriesSkipTheLogScan() {
        Report report = Checkers.runAll(history(put(1, "x", "a", 0, 10)));

        assertThat(report.results()).extracting(CheckResult::checker).containsExactly("linearizability");
    }

    @Test
    void theJsonReportCarriesVerdictsCountsAndDetails() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Checkers.runAll(bad).toJson());

        assertThat(json.get("verdict").asText()).isEqualTo("invalid");
        JsonNode lin = json.get("results").get(0);
        assertThat(lin.get("checker").asText()).isEqualTo("linearizability");
        assertThat(lin.get("counts").get("keysInvalid").asLong()).isEqualTo(2);
        JsonNode key = lin.get("details").get("keysNotValid").get(0);
        assertThat(key.get("key").asText()).isEqualTo("p");
        assertThat(key.get("stuck").asText()).contains("\"op\":\"read\"");
    }

    @Test
    void anUndecidedCheckMakesTheReportUnknownButAFailureWins() {
        History busy = history(
                put(1, "x", "a", 0, 100),
                put(2, "x", "b", 0, 100),
                get(3, "x", "b", 0, 100),
                get(4, "x", "a", 200, 300));
        CheckConfig tiny = new CheckConfig(LinearizabilityConfig.defaults().withStatesMaxPerKey(2), true, true);

        Report report = Checkers.runAll(busy, tiny);

        assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(report.with(new CheckResult("other", Verdict.INVALID, java.util.Map.of(), "x", java.util.Map.of()))
                .verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void theConvergenceCheckJoinsAReport() {
        CheckResult convergence = Checkers.convergence(good, List.of(new ReplicaLog("n1", "p", List.of("m")),
                new ReplicaLog("n2", "p", List.of())), Long.MIN_VALUE);

        Report report = Checkers.runAll(good).with(convergence);

        assertThat(report.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(convergence.count("divergent-replicas")).isEqualTo(1);
    }
}
