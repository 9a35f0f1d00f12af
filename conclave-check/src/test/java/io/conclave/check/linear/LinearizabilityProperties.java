package io.conclave.check.linear;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.SimulatedHistories;
import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.history.HistoryReader;
import io.conclave.check.history.HistoryWriter;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Histories of a simulated correct register or log are always linearizable; the same history with
 * one read changed to show a value nobody wrote never is.
 */
class LinearizabilityProperties {
    private static final LinearizabilityChecker CHECKER =
            new LinearizabilityChecker(LinearizabilityConfig.defaults().withThreads(1));

    @Property(tries = 250)
    void simulatedRegisterHistoriesAreLinearizableAndAnImpossibleReadIsCaught(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int clients,
            @ForAll @IntRange(min = 1, max = 80) int opsPerKey) {
        Random rnd = new Random(seed);
        History h = new SimulatedHistories(rnd, 0.05, 0.05).registers(2, clients, opsPerKey);

        assertAllKeys(h, Verdict.VALID);
        History broken = SimulatedHistories.withImpossibleRead(h, rnd);
        if (broken != null) {
            assertThat(CHECKER.check(broken)).extracting(KeyResult::verdict).contains(Verdict.INVALID);
        }
    }

    @Property(tries = 250)
    void simulatedLogHistoriesAreLinearizableAndAnImpossibleReadIsCaught(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int clients,
            @ForAll @IntRange(min = 1, max = 80) int opsPerKey) {
        Random rnd = new Random(seed);
        History h = new SimulatedHistories(rnd, 0.05, 0.05).logs(2, clients, opsPerKey);

        assertAllKeys(h, Verdict.VALID);
        History broken = SimulatedHistories.withImpossibleRead(h, rnd);
        if (broken != null) {
            assertThat(CHECKER.check(broken)).extracting(KeyResult::verdict).contains(Verdict.INVALID);
        }
    }

    @Property(tries = 100)
    void simulatedHistoriesSurviveAWriteReadRoundTrip(@ForAll long seed) {
        Random rnd = new Random(seed);
        SimulatedHistories sim = new SimulatedHistories(rnd, 0.1, 0.1);
        History h = rnd.nextBoolean() ? sim.registers(2, 4, 30) : sim.logs(2, 4, 30);

        assertThat(HistoryReader.parse(HistoryWriter.toText(h))).isEqualTo(h);
    }

    private static void assertAllKeys(History h, Verdict expected) {
        List<KeyResult> results = CHECKER.check(h);
        for (KeyResult r : results) {
            assertThat(r.verdict()).as("%s\n%s", r.explanation(), HistoryWriter.toText(h)).isEqualTo(expected);
        }
    }
}
