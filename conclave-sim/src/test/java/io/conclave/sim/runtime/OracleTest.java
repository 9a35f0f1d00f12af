package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.sim.invariant.InvariantViolation;
import org.junit.jupiter.api.Test;

class OracleTest {

    private static Entry entry(long index, long term, String data) {
        return new Entry(term, index, EntryType.NORMAL, data.getBytes());
    }

    @Test
    void replicasApplyingTheSameEntryAtAnIndexAgree() {
        Oracle o = new Oracle();
        o.onApplied(1, 5, entry(3, 2, "x"));
        assertThatCode(() -> o.onApplied(2, 5, entry(3, 2, "x"))).doesNotThrowAnyException();
        assertThatCode(() -> o.onApplied(2, 6, entry(3, 9, "y"))).doesNotThrowAnyException(); // another group
    }

    @Test
    void aDifferentEntryAppliedAtTheSameIndexBreaksStateMachineSafety() {
        Oracle o = new Oracle();
        o.onApplied(1, 5, entry(3, 2, "x"));
        assertThatThrownBy(() -> o.onApplied(2, 5, entry(3, 3, "x"))).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("state-machine-safety").hasMessageContaining("group 5");
        assertThatThrownBy(() -> o.onApplied(3, 5, entry(3, 2, "z"))).isInstanceOf(InvariantViolation.class);
    }

    @Test
    void twoNodesLeadingOneTermOfAGroupBreakOneLeaderPerTerm() {
        Oracle o = new Oracle();
        o.onLeader(1, 4, 2);
        o.onLeader(1, 4, 2);
        o.onLeader(1, 5, 3);
        o.onLeader(2, 4, 3);
        assertThatThrownBy(() -> o.onLeader(1, 4, 1)).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("one-leader-per-term");
    }
}
