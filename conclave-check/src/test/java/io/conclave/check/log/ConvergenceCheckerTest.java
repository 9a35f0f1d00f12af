package io.conclave.check.log;

import static io.conclave.check.Ops.append;
import static io.conclave.check.Ops.appendEventual;
import static io.conclave.check.Ops.appendFail;
import static io.conclave.check.Ops.appendUnknown;
import static io.conclave.check.Ops.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.log.LogAnomaly.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvergenceCheckerTest {
    private static final String P = "events/0";

    private final History history = history(
            append(1, P, "a", 0, 0, 10),
            appendEventual(2, P, "e1", 1, 20, 30),
            appendEventual(2, P, "e2", 2, 40, 50),
            appendEventual(2, P, "e3", 3, 60, 70),
            appendFail(3, P, "f", 0, 100),
            appendUnknown(4, P, "u", 80));

    private static List<ReplicaLog> everywhere(Object... values) {
        return List.of(new ReplicaLog("n1", P, List.of(values)), new ReplicaLog("n2", P, List.of(values)),
                new ReplicaLog("n3", P, List.of(values)));
    }

    @Test
    void identicalLogsHoldingEveryWriteConverge() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("a", "e1", "e2", "e3", "u"), 70);

        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.counts()).containsEntry("replicaLogs", 3L).containsEntry("eventualLossAllowed", 0L);
    }

    @Test
    void eventualWritesAcknowledgedAfterTheLastReplicatedPointMayBeLost() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("a", "e1"), 35);

        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.counts()).containsEntry("eventualLossAllowed", 2L);
    }

    @Test
    void losingAnEventualWriteAcknowledgedBeforeTheLastReplicatedPointIsCaught() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("a", "e2"), 55);

        assertThat(r.of(Type.LOST_REPLICATED_WRITE)).singleElement()
                .satisfies(a -> assertThat(a.value()).isEqualTo("e1"));
    }

    @Test
    void losingALinearizableWriteIsCaughtWhateverThePoint() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("e1", "e2", "e3"), Long.MIN_VALUE);

        assertThat(r.of(Type.LOST_WRITE)).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo("a"));
    }

    @Test
    void aLinearizableWriteAtAnotherOffsetIsCaught() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("e1", "a"), Long.MIN_VALUE);

        assertThat(r.of(Type.INCONSISTENT_OFFSET)).hasSize(1);
    }

    @Test
    void replicasThatDifferAreDivergent() {
        List<ReplicaLog> logs = List.of(
                new ReplicaLog("n1", P, List.of("a", "e1", "e2")),
                new ReplicaLog("n2", P, List.of("a", "e1", "e2")),
                new ReplicaLog("n3", P, List.of("a", "e2")));

        LogScanResult r = ConvergenceChecker.check(history, logs, Long.MIN_VALUE);

        assertThat(r.of(Type.DIVERGENT_REPLICAS)).singleElement().satisfies(a -> {
            assertThat(a.offset()).isEqualTo(1L);
            assertThat(a.description()).contains("[n1, n2]").contains("[n3]");
        });
    }

    @Test
    void duplicatesAbortedAndPhantomValuesInTheFinalLogAreCaught() {
        LogScanResult r = ConvergenceChecker.check(history, everywhere("a", "e1", "e1", "f", "zz"), Long.MIN_VALUE);

        assertThat(r.of(Type.DUPLICATE)).hasSize(1);
        assertThat(r.of(Type.ABORTED_READ)).hasSize(1);
        assertThat(r.of(Type.PHANTOM_READ)).hasSize(1);
    }

    @Test
    void aPartitionWithAcknowledgedWritesButNoFinalLogLeavesTheVerdictUnknown() {
        History two = history(
                append(1, P, "a", 0, 0, 10),
                append(2, "other", "b", 0, 0, 10));

        LogScanResult r = ConvergenceChecker.check(two, List.of(new ReplicaLog("n1", P, List.of("a"))), 0);

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.undecided()).singleElement().asString().contains("other");
    }

    @Test
    void aLastReplicatedPointMayBeGivenPerPartition() {
        LogScanResult strict = ConvergenceChecker.check(history, everywhere("a", "e1"), Map.of(P, 100L), 0);
        LogScanResult lenient = ConvergenceChecker.check(history, everywhere("a", "e1"), Map.of(P, 35L), 1000);

        assertThat(strict.of(Type.LOST_REPLICATED_WRITE)).hasSize(2);
        assertThat(lenient.verdict()).isEqualTo(Verdict.VALID);
    }
}
