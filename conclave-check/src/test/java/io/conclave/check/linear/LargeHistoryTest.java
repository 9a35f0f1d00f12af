package io.conclave.check.linear;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.SimulatedHistories;
import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.log.LogScanner;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Performance sanity, not a timed assertion: a key with 5,000 operations from 5 concurrent clients
 * (the format's recommended maximum per key) is decided within the default state budget.
 */
class LargeHistoryTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(LinearizabilityConfig.defaults());

    @Test
    void aFiveThousandOperationRegisterKeyIsDecidedWithinTheDefaultBudget() {
        History h = new SimulatedHistories(new Random(7), 0.01, 0.02).registers(1, 5, 5000);

        List<KeyResult> results = checker.check(h);

        assertThat(results).hasSize(1);
        assertThat(results.get(0).verdict()).as(results.get(0).explanation()).isNotEqualTo(Verdict.UNKNOWN)
                .isEqualTo(Verdict.VALID);
        assertThat(results.get(0).statesExplored()).isLessThan(LinearizabilityConfig.defaults().statesMaxPerKey());
    }

    @Test
    void aFiveThousandOperationPartitionIsDecidedWithinTheDefaultBudget() {
        History h = new SimulatedHistories(new Random(11), 0.01, 0.02).logs(1, 5, 5000);

        List<KeyResult> results = checker.check(h);

        assertThat(results.get(0).verdict()).as(results.get(0).explanation()).isNotEqualTo(Verdict.UNKNOWN)
                .isEqualTo(Verdict.VALID);
        assertThat(LogScanner.scan(h).anomalies()).isEmpty();
    }

    @Test
    void aFiveThousandOperationPartitionWithOneImpossibleReadIsDecidedInvalid() {
        Random rnd = new Random(13);
        History h = SimulatedHistories.withImpossibleRead(
                new SimulatedHistories(rnd, 0.01, 0.02).logs(1, 5, 5000), rnd);

        List<KeyResult> results = checker.check(h);

        assertThat(results.get(0).verdict()).isEqualTo(Verdict.INVALID);
    }
}
