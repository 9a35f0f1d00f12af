package io.conclave.check.linear;

import static io.conclave.check.Ops.cas;
import static io.conclave.check.Ops.casUnknown;
import static io.conclave.check.Ops.get;
import static io.conclave.check.Ops.history;
import static io.conclave.check.Ops.put;
import static io.conclave.check.Ops.putFail;
import static io.conclave.check.Ops.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.history.Level;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisterLinearizabilityTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(LinearizabilityConfig.defaults());

    private KeyResult check(History h) {
        List<KeyResult> results = checker.check(h);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void aSequentialHistoryOfPutsGetsAndCasesIsLinearizable() {
        History h = history(
                get(1, "x", null, 0, 1),
                put(1, "x", "a", 2, 3),
                get(1, "x", "a", 4, 5),
                cas(1, "x", "a", "b", true, 6, 7),
                cas(1, "x", "a", "c", false, 8, 9),
                cas(1, "x", null, "d", false, 10, 11),
                get(1, "x", "b", 12, 13));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void aReadConcurrentWithAPutMaySeeEitherValue() {
        History h = history(
                put(1, "x", "a", 0, 10),
                put(2, "x", "b", 20, 100),
                get(3, "x", "b", 30, 40),
                get(4, "x", "a", 35, 50),
                get(5, "x", "b", 60, 70));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void overlappingReadsMayInvertWhileTheWriteIsInFlight() {
        History h = history(
                put(1, "x", "old", 0, 5),
                put(2, "x", "new", 10, 100),
                get(3, "x", "new", 20, 45),
                get(4, "x", "old", 40, 50));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void aNewOldInversionBetweenSequentialReadsIsNotLinearizable() {
        // Regular but not atomic: the second read starts after the first returned the new value.
        History h = history(
                put(1, "x", "old", 0, 5),
                put(2, "x", "new", 10, 100),
                get(3, "x", "new", 20, 30),
                get(4, "x", "old", 40, 50));

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.explanation()).contains("not linearizable").contains("\"value\":\"old\"");
    }

    @Test
    void readsThatOrderTwoConcurrentWritesBothWaysAreNotLinearizable() {
        History h = history(
                put(1, "x", "a", 0, 100),
                put(2, "x", "b", 0, 100),
                get(3, "x", "a", 10, 20),
                get(3, "x", "b", 30, 40),
                get(3, "x", "a", 50, 60));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void unknownWritesMayOrMayNotHaveTakenEffect() {
        History tookEffect = history(
                put(1, "x", "a", 0, 1),
                putUnknown(2, "x", "u", 2),
                get(3, "x", "u", 100, 110),
                get(3, "x", "u", 200, 210));
        History didNot = history(
                put(1, "x", "a", 0, 1),
                putUnknown(2, "x", "u", 2),
                get(3, "x", "a", 100, 110),
                casUnknown(4, "x", "a", "w", 120),
                get(3, "x", "a", 200, 210));
        History late = history(
                put(1, "x", "a", 0, 1),
                putUnknown(2, "x", "u", 2),
                get(3, "x", "a", 1000, 1010),
                get(3, "x", "u", 2000, 2010));

        assertThat(check(tookEffect).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(didNot).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(late).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void anUnknownWriteTakesEffectAtMostOnce() {
        History h = history(
                put(1, "x", "a", 0, 1),
                putUnknown(2, "x", "u", 2),
                get(3, "x", "u", 10, 11),
                put(4, "x", "b", 12, 13),
                get(3, "x", "u", 20, 21));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aFailedWriteNeverAppears() {
        History h = history(
                putFail(1, "x", "a", 0, 10),
                get(2, "x", "a", 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aStaleReadAfterACompletedPutIsCaught() {
        History h = history(
                put(1, "x", "a", 0, 10),
                put(1, "x", "b", 20, 30),
                get(2, "x", "a", 40, 50));

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.stuckAfterPrefix()).isEqualTo(h.operations().get(2));
        assertThat(r.longestPrefix()).extracting(Operation::value).containsExactly("a", "b");
        assertThat(r.stateAfterPrefix()).isEqualTo("\"b\"");
    }

    @Test
    void aReadOfANeverWrittenValueIsCaught() {
        History h = history(
                put(1, "x", "a", 0, 10),
                get(2, "x", "zzz", 20, 30));

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.explanation()).contains("observed a value that no operation which may have happened wrote");
        assertThat(r.stuckAfterPrefix()).isEqualTo(h.operations().get(1));
    }

    @Test
    void aReadOfANeverWrittenValueIsCaughtAmongManyUnknownWritesWithoutSearching() {
        List<Operation> ops = new java.util.ArrayList<>();
        ops.add(cas(0, "x", "nobody", "c0", false, 0, 1000));
        for (int i = 1; i <= 40; i++) {
            ops.add(putUnknown(i, "x", "u" + i, i));
        }
        ops.add(get(99, "x", "zzz", 500, 600));

        KeyResult r = check(History.of(ops));

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.statesExplored()).isZero();
    }

    @Test
    void aCasThatSwappedAgainstTheWrongValueIsCaught() {
        History h = history(
                put(1, "x", "a", 0, 10),
                cas(2, "x", "b", "c", true, 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void twoClientsThatBothTakeAnAbsentLockWithCasAreCaught() {
        // The split-brain lock: both cas(absent -> mine) report a swap, overlapping in time.
        History h = history(
                cas(1, "lock", null, "c1", true, 0, 10),
                cas(2, "lock", null, "c2", true, 5, 15),
                get(3, "lock", "c2", 20, 30));

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.explanation()).contains("its result contradicts that state");
    }

    @Test
    void aCasThatDidNotSwapAlthoughTheValueMatchedIsCaught() {
        History h = history(
                put(1, "x", "a", 0, 10),
                cas(2, "x", "a", "c", false, 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aLostWriteThatALaterReadHadToSeeIsCaught() {
        History h = history(
                put(1, "x", "a", 0, 10),
                get(2, "x", null, 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aValueReadBeforeItsPutWasInvokedIsCaught() {
        History h = history(
                get(2, "x", "a", 0, 10),
                put(1, "x", "a", 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void eventualOperationsAreLeftToTheConvergenceChecks() {
        History h = history(
                put(1, "x", "a", 0, 10),
                Operation.builder(2, OpType.GET, "x").value("stale").level(Level.EVENTUAL).at(20, 30).ok(),
                Operation.builder(3, OpType.GET, "x").value("a").level(Level.STRONG).at(40, 50).ok());

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.operations()).isEqualTo(2);
    }

    @Test
    void aStrongReadMaySeeAnEventualWriteButAnEventualWriteIsNotRequiredToTakeEffect() {
        History seen = history(
                Operation.builder(1, OpType.PUT, "x").value("e").level(Level.EVENTUAL).at(0, 10).ok(),
                Operation.builder(2, OpType.GET, "x").value("e").level(Level.STRONG).at(20, 30).ok());
        History lost = history(
                Operation.builder(1, OpType.PUT, "x").value("e").level(Level.EVENTUAL).at(0, 10).ok(),
                get(2, "x", null, 20, 30));
        History twice = history(
                Operation.builder(1, OpType.PUT, "x").value("e").level(Level.EVENTUAL).at(0, 10).ok(),
                get(2, "x", "e", 20, 30),
                put(3, "x", "a", 40, 50),
                get(2, "x", "e", 60, 70));

        assertThat(check(seen).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(lost).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(twice).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void operationsAtTheSameInstantCountAsConcurrent() {
        History h = history(
                put(1, "x", "a", 0, 10),
                get(2, "x", null, 10, 20));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void keysAreCheckedIndependentlyAndReportedInOrder() {
        History h = history(
                put(1, "b", "b1", 0, 10),
                get(2, "b", "b0", 20, 30),
                put(3, "a", "a1", 0, 10),
                get(4, "a", "a1", 20, 30),
                put(5, "c", "c1", 0, 10));

        List<KeyResult> results = new LinearizabilityChecker(LinearizabilityConfig.defaults().withThreads(3)).check(h);

        assertThat(results).extracting(KeyResult::key).containsExactly("a", "b", "c");
        assertThat(results).extracting(KeyResult::verdict)
                .containsExactly(Verdict.VALID, Verdict.INVALID, Verdict.VALID);
    }

    @Test
    void exhaustingTheStateBudgetGivesUnknownNeverAPass() {
        History h = history(
                put(1, "x", "a", 0, 100),
                put(2, "x", "b", 0, 100),
                put(3, "x", "c", 0, 100),
                get(4, "x", "c", 0, 100),
                get(5, "x", "a", 200, 300),
                get(5, "x", "c", 400, 500));
        LinearizabilityChecker tiny = new LinearizabilityChecker(LinearizabilityConfig.defaults().withStatesMaxPerKey(3));

        KeyResult r = tiny.check(h).get(0);

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.explanation()).contains("budget");
        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }
}
