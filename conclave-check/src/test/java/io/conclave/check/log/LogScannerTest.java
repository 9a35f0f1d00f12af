package io.conclave.check.log;

import static io.conclave.check.Ops.append;
import static io.conclave.check.Ops.appendEventual;
import static io.conclave.check.Ops.appendFail;
import static io.conclave.check.Ops.appendUnknown;
import static io.conclave.check.Ops.history;
import static io.conclave.check.Ops.read;
import static io.conclave.check.Ops.readPrefix;
import static io.conclave.check.Ops.readRange;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.CheckResult;
import io.conclave.check.Verdict;
import io.conclave.check.history.History;
import io.conclave.check.log.LogAnomaly.Type;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogScannerTest {
    private static final String P = "orders/3";

    private static Set<Type> typesOf(LogScanResult r) {
        java.util.EnumSet<Type> types = java.util.EnumSet.noneOf(Type.class);
        r.anomalies().forEach(a -> types.add(a.type()));
        return types;
    }

    @Test
    void aCleanHistoryHasNoAnomalies() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                appendUnknown(2, P, "u", 5),
                append(3, P, "b", 2, 20, 100),
                read(4, P, 0, 30, 40, "a", "u"),
                readPrefix(4, P, 0, 50, 60, "a"),
                readRange(5, P, 1, 2, 70, 80, "u"),
                appendFail(6, P, "f", 0, 5),
                read(4, P, 0, 200, 210, "a", "u", "b"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.anomalies()).isEmpty();
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.counts()).containsEntry("acknowledgedAppends", 2L).containsEntry("reads", 4L);
    }

    @Test
    void anAcknowledgedWriteNoReadShowedIsLost() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                append(1, P, "c", 2, 40, 50),
                read(2, P, 0, 60, 70, "a", "c"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.LOST_WRITE)).singleElement().satisfies(a -> {
            assertThat(a.value()).isEqualTo("b");
            assertThat(a.offset()).isEqualTo(1L);
        });
        assertThat(typesOf(r)).contains(Type.UNSEEN_BY_FINAL_READ, Type.INCONSISTENT_OFFSET, Type.DUPLICATE);
    }

    @Test
    void anAcknowledgedWriteMissingFromTheFinalReadIsCaughtEvenIfAnEarlierReadSawIt() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                read(2, P, 0, 20, 30, "a"),
                read(2, P, 0, 40, 50));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.UNSEEN_BY_FINAL_READ)).singleElement()
                .satisfies(a -> assertThat(a.description()).contains("the log ends before it"));
        assertThat(r.of(Type.LOST_WRITE)).isEmpty();
    }

    @Test
    void theCallerMayMarkWhichReadsAreFinal() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                readRange(2, P, 0, 5, 40, 50),
                read(2, P, 0, 60, 70, "a"));

        LogScanResult marked = LogScanner.scan(h, Set.of(h.operations().get(1)));

        assertThat(marked.of(Type.UNSEEN_BY_FINAL_READ)).hasSize(1);
        assertThat(LogScanner.scan(h).of(Type.UNSEEN_BY_FINAL_READ)).isEmpty();
    }

    @Test
    void oneValueAtTwoOffsetsIsADuplicate() {
        History h = history(
                appendUnknown(1, P, "a", 0),
                append(2, P, "b", 1, 10, 20),
                read(3, P, 0, 30, 40, "a", "b", "a"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.DUPLICATE)).singleElement()
                .satisfies(a -> assertThat(a.description()).contains("[0, 2]"));
    }

    @Test
    void twoValuesAtOneOffsetAcrossReadsAreInconsistent() {
        History h = history(
                appendUnknown(1, P, "a", 0),
                appendUnknown(2, P, "b", 0),
                read(3, P, 0, 30, 40, "a"),
                read(4, P, 0, 30, 40, "b"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.INCONSISTENT_OFFSET)).singleElement()
                .satisfies(a -> assertThat(a.offset()).isEqualTo(0L));
    }

    @Test
    void anAcknowledgedOffsetThatAReadShowsHoldingAnotherValueIsInconsistent() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                appendUnknown(2, P, "b", 0),
                readRange(3, P, 0, 1, 5, 8, "b"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.INCONSISTENT_OFFSET)).hasSize(1);
    }

    @Test
    void twoAcknowledgementsOfOneOffsetAreInconsistent() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(2, P, "b", 0, 0, 10));

        assertThat(LogScanner.scan(h).of(Type.INCONSISTENT_OFFSET)).hasSize(1);
    }

    @Test
    void aFailedAppendsValueInAReadIsAnAbortedRead() {
        History h = history(
                appendFail(1, P, "a", 0, 10),
                read(2, P, 0, 20, 30, "a"));

        assertThat(LogScanner.scan(h).of(Type.ABORTED_READ)).singleElement()
                .satisfies(a -> assertThat(a.witnesses()).hasSize(2));
    }

    @Test
    void aValueNoAppendWroteIsAPhantomRead() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                read(2, P, 0, 20, 30, "a", "ghost"));

        assertThat(LogScanner.scan(h).of(Type.PHANTOM_READ)).singleElement()
                .satisfies(a -> assertThat(a.value()).isEqualTo("ghost"));
    }

    @Test
    void aReadAfterAnAckThatDoesNotReachItIsStale() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                read(2, P, 0, 40, 50, "a"),
                read(2, P, 0, 60, 70, "a", "b"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.STALE_READ)).singleElement()
                .satisfies(a -> assertThat(a.witnesses()).containsExactly(h.operations().get(1), h.operations().get(2)));
    }

    @Test
    void prefixReadsAndReadsBoundedBeforeTheAckAreNotStale() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                readPrefix(2, P, 0, 40, 50, "a"),
                readRange(2, P, 0, 1, 60, 70, "a"),
                read(2, P, 0, 80, 90, "a", "b"));

        assertThat(LogScanner.scan(h).anomalies()).isEmpty();
    }

    @Test
    void aShorterLogSeenByTheSameClientsLaterReadIsNonMonotonic() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(2, P, "b", 1, 0, 1000),
                read(3, P, 0, 20, 30, "a", "b"),
                read(3, P, 0, 40, 50, "a"),
                read(3, P, 0, 2000, 2010, "a", "b"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.of(Type.NONMONOTONIC_READ)).singleElement()
                .satisfies(a -> assertThat(a.description()).contains("the same client's"));
        assertThat(r.of(Type.STALE_READ)).isEmpty();
    }

    @Test
    void aShorterLogSeenByAnotherClientAfterAReadReturnedIsNonMonotonicToo() {
        History h = history(
                appendUnknown(1, P, "a", 0),
                read(3, P, 0, 20, 30, "a"),
                read(4, P, 0, 40, 50));

        assertThat(LogScanner.scan(h).of(Type.NONMONOTONIC_READ)).singleElement()
                .satisfies(a -> assertThat(a.description()).contains("client 3's"));
    }

    @Test
    void offsetsOutOfOrderWithRealTimeAreCaught() {
        History h = history(
                appendUnknown(9, P, "u", 0),
                append(1, P, "a", 1, 10, 20),
                append(2, P, "b", 0, 30, 40));

        assertThat(LogScanner.scan(h).of(Type.OFFSET_ORDER)).singleElement()
                .satisfies(a -> assertThat(a.value()).isEqualTo("b"));
    }

    @Test
    void eventualAppendsAndReadsAreNotScannedAsLinearizable() {
        History h = history(
                appendEventual(1, P, "e", 0, 0, 10),
                append(2, P, "a", 0, 20, 30),
                read(3, P, 0, 40, 50, "a"));

        assertThat(LogScanner.scan(h).anomalies()).isEmpty();
    }

    @Test
    void anAckNoReadReachedIsCountedAsUnverified() {
        History h = history(
                append(1, P, "a", 0, 0, 10),
                append(1, P, "b", 1, 20, 30),
                readRange(2, P, 0, 1, 40, 50, "a"));

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.anomalies()).isEmpty();
        assertThat(r.counts()).containsEntry("acknowledgedUnverified", 1L);
    }

    @Test
    void theUniformResultListsAnomaliesWithWitnessLines() {
        History h = history(
                appendFail(1, P, "a", 0, 10),
                read(2, P, 0, 20, 30, "a"));

        CheckResult r = LogScanner.scan(h).toCheckResult();

        assertThat(r.checker()).isEqualTo("log-scan");
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("aborted-read")).isEqualTo(1);
        assertThat(r.explanation()).contains("aborted-read").contains("\"outcome\":\"fail\"");
        assertThat((java.util.List<?>) r.details().get("anomalies")).hasSize(1);
    }
}
