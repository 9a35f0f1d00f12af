package io.conclave.raft.property;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.raft.property.SafetyViolation.Invariant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each checker catches a violation planted in hand-made node views, and passes legal histories. */
class SafetyCheckerTest {

    private final SafetyChecker checker = new SafetyChecker();

    private static Entry e(long term, long index, String data) {
        return Entry.normal(term, index, data.getBytes(StandardCharsets.UTF_8));
    }

    /** A running node with the given log from index 1. */
    private static NodeView up(long id, boolean leader, long term, long commit, Entry... log) {
        return new NodeView(id, 0, true, leader, term, commit, term, commit, 1, 0, List.of(log));
    }

    private void check(NodeView... views) {
        checker.check(List.of(views));
    }

    private void assertCaught(Invariant invariant, Runnable step) {
        assertThatThrownBy(step::run).isInstanceOfSatisfying(SafetyViolation.class,
                v -> org.assertj.core.api.Assertions.assertThat(v.invariant).isEqualTo(invariant));
    }

    @Test
    void twoLeadersInOneTermBreakElectionSafety() {
        check(up(1, true, 2, 0), up(2, false, 2, 0));
        assertCaught(Invariant.ELECTION_SAFETY, () -> check(up(1, false, 2, 0), up(2, true, 2, 0)));
    }

    @Test
    void aTermThatGoesBackIsCaughtInMemoryAndAcrossRestarts() {
        check(up(1, false, 3, 0));
        assertCaught(Invariant.TERM_MONOTONIC, () -> check(up(1, false, 2, 0)));
        SafetyChecker fresh = new SafetyChecker();
        fresh.check(List.of(up(1, false, 3, 0)));
        NodeView restartedLower = new NodeView(1, 1, true, false, 2, 0, 2, 0, 1, 0, List.of());
        assertThatThrownBy(() -> fresh.check(List.of(restartedLower)))
                .isInstanceOfSatisfying(SafetyViolation.class, v -> org.assertj.core.api.Assertions
                        .assertThat(v.invariant).isEqualTo(Invariant.TERM_MONOTONIC));
    }

    @Test
    void aCommitIndexThatGoesBackIsCaught() {
        check(up(1, false, 1, 2, e(1, 1, "a"), e(1, 2, "b")));
        assertCaught(Invariant.COMMIT_MONOTONIC, () -> check(up(1, false, 1, 1, e(1, 1, "a"), e(1, 2, "b"))));
    }

    @Test
    void equalIndexAndTermWithDifferentPrefixesBreakLogMatching() {
        check(up(1, false, 2, 0, e(1, 1, "a"), e(2, 2, "b")));
        assertCaught(Invariant.LOG_MATCHING, () -> check(up(2, false, 2, 0, e(2, 1, "x"), e(2, 2, "b"))));
    }

    @Test
    void twoEntriesWithOneIndexAndTermBreakLogMatching() {
        check(up(1, false, 1, 0, e(1, 1, "a")));
        assertCaught(Invariant.LOG_MATCHING, () -> check(up(2, false, 1, 0, e(1, 1, "z"))));
    }

    @Test
    void aLeaderThatLosesAnEntryInItsTermBreaksAppendOnly() {
        check(up(1, true, 1, 0, e(1, 1, "a"), e(1, 2, "b")));
        assertCaught(Invariant.LEADER_APPEND_ONLY, () -> check(up(1, true, 1, 0, e(1, 1, "a"))));
    }

    @Test
    void aLaterLeaderWithoutACommittedEntryBreaksLeaderCompleteness() {
        check(up(1, true, 1, 1, e(1, 1, "a")), up(2, false, 1, 0, e(1, 1, "a")), up(3, false, 1, 0));
        assertCaught(Invariant.LEADER_COMPLETENESS, () -> check(up(1, false, 2, 1, e(1, 1, "a")),
                up(2, false, 2, 0, e(1, 1, "a")), up(3, true, 2, 0)));
    }

    @Test
    void aLeaderOfAnOlderTermMayLackAnEntryCommittedLater() {
        // Figure 8: an entry of term 2 is committed in term 4; a leader of term 3 elected before
        // may lack it. Neither a stale leader nor the lower-term one is a violation.
        check(up(1, true, 3, 0), up(2, false, 4, 0, e(2, 1, "a")));
        check(up(1, true, 3, 0), up(2, true, 4, 2, e(2, 1, "a"), e(4, 2, "")));
        assertThatCode(() -> check(up(1, false, 4, 0), up(2, true, 4, 2, e(2, 1, "a"), e(4, 2, ""))))
                .doesNotThrowAnyException();
    }

    @Test
    void twoDifferentEntriesAppliedAtOneIndexBreakStateMachineSafety() {
        checker.onApply(1, e(1, 1, "a"), 11);
        checker.onApply(2, e(1, 1, "a"), 11);
        assertCaught(Invariant.STATE_MACHINE_SAFETY, () -> checker.onApply(3, e(2, 1, "b"), 12));
    }

    @Test
    void aSnapshotOfAStateNobodyReachedBreaksStateMachineSafety() {
        checker.onApply(1, e(1, 1, "a"), 11);
        checker.onSnapshotInstalled(2, 1, 11);
        assertCaught(Invariant.STATE_MACHINE_SAFETY, () -> checker.onSnapshotInstalled(3, 1, 99));
    }

    @Test
    void aNodeWhoseCommittedPrefixDiffersBreaksStateMachineSafety() {
        check(up(1, true, 1, 1, e(1, 1, "a")));
        assertCaught(Invariant.STATE_MACHINE_SAFETY, () -> check(up(1, true, 1, 1, e(1, 1, "a")),
                new NodeView(2, 0, false, false, 2, 1, 2, 1, 1, 0, List.of(e(2, 1, "b")))));
    }

    @Test
    void aLegalHistoryPasses() {
        List<Entry> log = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            log.add(e(1, i, "v" + i));
            Entry[] l = log.toArray(new Entry[0]);
            check(up(1, true, 1, i - 1, l), up(2, false, 1, i - 1, l), up(3, false, 1, 0));
            checker.onApply(1, log.get(i - 1), i);
        }
        assertThatCode(() -> check(up(1, false, 2, 4, log.toArray(new Entry[0])),
                up(2, true, 2, 4, log.toArray(new Entry[0])), up(3, false, 2, 0))).doesNotThrowAnyException();
    }
}
