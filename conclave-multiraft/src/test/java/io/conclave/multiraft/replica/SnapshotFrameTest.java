package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runtime's frame around a state machine's snapshot carries the nodes a rejoin demoted. */
class SnapshotFrameTest {

    @Test
    void theDemotedNodesAndTheStateComeBackAsWrapped() {
        byte[] state = "state".getBytes(StandardCharsets.UTF_8);
        SnapshotFrame.Parts p = SnapshotFrame.unwrap(SnapshotFrame.wrap(RejoinDemoted.of(Set.of(3L, 9L)), state));
        assertThat(p.demoted().nodes()).containsExactly(3L, 9L);
        assertThat(p.state()).isEqualTo(state);
    }

    @Test
    void unframedDataIsTheStateMachinesAloneWithNobodyDemoted() {
        byte[] state = "legacy".getBytes(StandardCharsets.UTF_8);
        SnapshotFrame.Parts p = SnapshotFrame.unwrap(state);
        assertThat(p.demoted().nodes()).isEmpty();
        assertThat(p.state()).isSameAs(state);
        assertThat(SnapshotFrame.unwrap(new byte[0]).state()).isEmpty();
    }

    @Test
    void aFrameWhoseCountDoesNotFitIsRefusedAsCorrupt() {
        byte[] framed = SnapshotFrame.wrap(RejoinDemoted.of(Set.of(3L)), new byte[0]);
        byte[] cut = Arrays.copyOf(framed, framed.length - 1);
        assertThatThrownBy(() -> SnapshotFrame.unwrap(cut)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt");
    }
}
