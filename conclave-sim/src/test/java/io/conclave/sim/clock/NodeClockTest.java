package io.conclave.sim.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeClockTest {

    @Test
    void aClockWithPositiveDriftRunsFaster() {
        NodeClock c = new NodeClock(0, 0.02);
        assertThat(c.localNs(1_000_000_000L)).isEqualTo(1_020_000_000L);
        assertThat(c.virtualNsAt(1_020_000_000L, 0)).isEqualTo(1_000_000_000L);
    }

    @Test
    void changingDriftKeepsTheClockContinuous() {
        NodeClock c = new NodeClock(500, 0);
        c.setDrift(1000, 0.5);
        assertThat(c.localNs(1000)).isEqualTo(1500);
        assertThat(c.localNs(2000)).isEqualTo(3000);
    }

    @Test
    void aBumpJumpsTheLocalTimeEitherWay() {
        NodeClock c = new NodeClock(0, 0);
        c.bump(100, 1_000);
        assertThat(c.localNs(100)).isEqualTo(1_100);
        c.bump(200, -500);
        assertThat(c.localNs(200)).isEqualTo(700);
        assertThat(c.bumps()).isEqualTo(2);
        assertThat(c.virtualNsAt(650, 200)).isEqualTo(200);
    }

    @Test
    void driftOutsideTheBoundIsRefused() {
        assertThatThrownBy(() -> new NodeClock(0, 0.9)).isInstanceOf(IllegalArgumentException.class);
    }
}
