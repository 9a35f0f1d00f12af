package io.conclave.check.linear;

import static io.conclave.check.Ops.append;
import static io.conclave.check.Ops.appendEventual;
import static io.conclave.check.Ops.appendFail;
import static io.conclave.check.Ops.appendUnknown;
import static io.conclave.check.Ops.history;
import static io.conclave.check.Ops.read;
import static io.conclave.check.Ops.readPrefix;
import static io.conclave.check.Ops.readRange;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import org.junit.jupiter.api.Test;

class LogLinearizabilityTest {
    private static final String P = "orders/3";
    private final LinearizabilityChecker checker = new LinearizabilityChecker(LinearizabilityConfig.defaults());

    private KeyResult check(History h) {
        return checker.check(h).get(0);
    }

    @Test
    void sequentialAppendsAndReadsAreLinearizable() {
        History h = history(
                read(1, P, 0, 0, 1),
                append(1, P, "m0", 0, 2, 3),
                append(1, P, "m1", 1, 4, 5),
                read(1, P, 0, 6, 7, "m0", "m1"),
                readRange(1, P, 1, 5, 8, 9, "m1"),
                read(1, P, 7, 10, 11),
                readPrefix(1, P, 0, 12, 13, "m0"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(h).model()).isEqualTo("log");
    }

    @Test
    void concurrentAppendsTakeOffsetsInEitherOrderAndReadsSeeOneInstant() {
        History h = history(
                append(1, P, "a", 1, 0, 100),
                append(2, P, "b", 0, 0, 100),
                read(3, P, 0, 10, 20, "b"),
                read(4, P, 0, 5, 150, "b", "a"),
                read(3, P, 0, 200, 210, "b", "a"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void anUnknownAppendMayFillAnOffsetOrNeverHappen() {
        History filled = history(
                appendUnknown(1, P, "u", 0),
                append(2, P, "a", 1, 10, 20),
                read(3, P, 0, 30, 40, "u", "a"));
        History never = history(
                appendUnknown(1, P, "u", 0),
                append(2, P, "a", 0, 10, 20),
                read(3, P, 0, 30, 40, "a"));

        assertThat(check(filled).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(never).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void eventualAppendsCountForOffsetsButNeedNotSurvive() {
        History filled = history(
                appendEventual(1, P, "e", 0, 0, 10),
                append(2, P, "a", 1, 20, 30),
                read(3, P, 0, 40, 50, "e", "a"));
        History lost = history(
                appendEventual(1, P, "e", 0, 0, 10),
                append(2, P, "a", 0, 20, 30),
                read(3, P, 0, 40, 50, "a"));

        assertThat(check(filled).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(lost).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void anAcknowledgedAppendMissingFromALaterReadIsCaught() {
        History h = history(
                append(1, P, "m0", 0, 0, 10),
                append(1, P, "m1", 1, 20, 30),
                read(2, P, 0, 40, 50, "m1"));

        KeyResult r = check(h);

        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.explanation()).contains("\"op\":\"read\"");
    }

    @Test
    void twoValuesAtOneOffsetAreCaught() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(2, P, "b", 0, 0, 10));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void oneValueAtTwoOffsetsIsCaught() {
        History h = history(
                appendUnknown(1, P, "a", 0),
                read(2, P, 0, 10, 20, "a", "a"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aFailedAppendsValueInAReadIsCaught() {
        History h = history(
                appendFail(1, P, "a", 0, 10),
                read(2, P, 0, 20, 30, "a"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aReadAfterAnAckThatDoesNotSeeItIsCaught() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                read(2, P, 0, 20, 30));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aShorterLogSeenByAReadThatBeganAfterAnotherReadReturnedIsCaught() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(2, P, "b", 1, 0, 1000),
                read(3, P, 0, 20, 30, "a", "b"),
                read(4, P, 0, 40, 50, "a"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void overlappingReadsMaySeeDifferentLengths() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(2, P, "b", 1, 0, 1000),
                read(3, P, 0, 20, 45, "a", "b"),
                read(4, P, 0, 40, 50, "a"));

        assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void offsetsOutOfOrderWithRealTimeAreCaught() {
        History h = history(
                appendUnknown(9, P, "u", 0),
                append(1, P, "a", 1, 10, 20),
                append(2, P, "b", 0, 30, 40));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void anOffsetThatNothingFillsIsCaught() {
        History h = history(append(1, P, "a", 1, 0, 10));

        assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aPrefixReadMayReturnFewerEntriesButNeverOtherOnes() {
        History shorter = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                readPrefix(2, P, 0, 40, 50, "a"));
        History wrong = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                readPrefix(2, P, 0, 40, 50, "b"));

        assertThat(check(shorter).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(wrong).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aBoundedReadReturnsExactlyItsSlice() {
        History exact = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                append(1, P, "c", 2, 40, 50),
                readRange(2, P, 1, 2, 60, 70, "b"));
        History cutShort = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                append(1, P, "c", 2, 40, 50),
                readRange(2, P, 0, 3, 60, 70, "a", "b"));

        assertThat(check(exact).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(cutShort).verdict()).isEqualTo(Verdict.INVALID);
    }
}
