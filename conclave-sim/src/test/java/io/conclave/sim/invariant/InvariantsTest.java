package io.conclave.sim.invariant;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvariantsTest {

    @Test
    void twoLeadersInOneTermAreCaught() {
        Invariants inv = new Invariants((g, r, i, t) -> true);
        inv.onLeader(0, 1, 5);
        inv.onLeader(0, 1, 5);
        inv.onLeader(1, 2, 5);
        assertThatThrownBy(() -> inv.onLeader(0, 2, 5)).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("one-leader-per-term");
    }

    @Test
    void aTermOrCommitGoingBackIsCaught() {
        Invariants inv = new Invariants((g, r, i, t) -> true);
        inv.onHardState(0, 1, new HardState(3, 1, 10));
        assertThatThrownBy(() -> inv.onHardState(0, 1, new HardState(3, 1, 9)))
                .hasMessageContaining("monotonic-hard-state");
        assertThatThrownBy(() -> inv.onHardState(0, 1, new HardState(3, 2, 10)))
                .hasMessageContaining("one-vote-per-term");
    }

    @Test
    void aRestartBelowWhatWasReportedDurableIsCaught() {
        Invariants inv = new Invariants((g, r, i, t) -> true);
        inv.onDurableReported(0, 1, new HardState(4, 1, 7));
        assertThatCode(() -> inv.onRestart(0, 1, new HardState(4, 1, 7))).doesNotThrowAnyException();
        assertThatThrownBy(() -> inv.onRestart(0, 1, new HardState(2, 0, 0)))
                .hasMessageContaining("durable-hard-state");
    }

    @Test
    void replicasApplyingDifferentEntriesAtOneIndexAreCaught() {
        Invariants inv = new Invariants((g, r, i, t) -> true);
        inv.onSnapshot(0, 1, 0);
        inv.onApply(0, 1, Entry.normal(1, 1, new byte[] {1}));
        inv.onApply(0, 2, Entry.normal(1, 1, new byte[] {1}));
        assertThatThrownBy(() -> inv.onApply(0, 3, Entry.normal(2, 1, new byte[] {1})))
                .hasMessageContaining("state-machine-safety");
        assertThatThrownBy(() -> inv.onApply(0, 1, Entry.normal(1, 3, new byte[] {1})))
                .hasMessageContaining("apply-in-order");
    }

    @Test
    void anAckWithoutADurableMajorityIsCaughtUnderBothConfigurations() {
        Set<Long> durableOn = Set.of(1L);
        Invariants inv = new Invariants((g, r, i, t) -> durableOn.contains(r));
        assertThatThrownBy(() -> inv.onAck(0, 5, 1, ConfState.ofVoters(1, 2, 3), null))
                .hasMessageContaining("ack-after-durable-majority");
        assertThatCode(() -> inv.onAck(0, 5, 1, ConfState.ofVoters(1, 2, 3), ConfState.ofVoters(1)))
                .doesNotThrowAnyException();
    }
}
