package io.conclave.multiraft.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.time.ManualClock;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {

    private static final long MS = 1_000_000L;
    private final LivenessConfig config = LivenessConfig.defaults(); // 10 ms pings, phi 8

    @Test
    void regularPeerIsNotSuspectedButSilenceMakesItSuspect() {
        ManualClock clock = new ManualClock(1_000 * MS);
        PhiAccrualDetector d = PhiAccrualDetector.of(config);
        for (int i = 0; i < 200; i++) {
            d.heartbeat(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(d.phi(clock.nowNs())).isLessThan(config.phiThreshold());
        clock.advanceMs(20);
        assertThat(d.phi(clock.nowNs())).isLessThan(config.phiThreshold());
        clock.advanceMs(200);
        assertThat(d.phi(clock.nowNs())).isGreaterThan(config.phiThreshold());
    }

    @Test
    void jitteredPeerIsNeverSuspectedWhileItKeepsPinging() {
        ManualClock clock = new ManualClock(0);
        PhiAccrualDetector d = PhiAccrualDetector.of(config);
        SplittableRandom rnd = new SplittableRandom(42);
        double maxPhi = 0;
        for (int i = 0; i < 2_000; i++) {
            d.heartbeat(clock.nowNs());
            long gapNs = 5 * MS + rnd.nextLong(11 * MS); // 5..16 ms, mean ~10.5 ms
            clock.advanceNs(gapNs - 1);
            maxPhi = Math.max(maxPhi, d.phi(clock.nowNs())); // just before the next ping
            clock.advanceNs(1);
        }
        assertThat(maxPhi).isLessThan(config.phiThreshold());
        clock.advanceMs(300);
        assertThat(d.phi(clock.nowNs())).isGreaterThan(config.phiThreshold());
    }

    @Test
    void phiGrowsWithSilence() {
        ManualClock clock = new ManualClock(0);
        PhiAccrualDetector d = PhiAccrualDetector.of(config);
        for (int i = 0; i < 50; i++) {
            d.heartbeat(clock.nowNs());
            clock.advanceMs(10);
        }
        double previous = -1;
        for (int i = 0; i < 10; i++) {
            double phi = d.phi(clock.nowNs());
            assertThat(phi).isGreaterThanOrEqualTo(previous);
            previous = phi;
            clock.advanceMs(10);
        }
    }

    @Test
    void memoryIsBoundedByTheWindow() {
        PhiAccrualDetector d = new PhiAccrualDetector(16, MS, 0);
        for (int i = 0; i < 10_000; i++) {
            d.heartbeat(i * 10 * MS);
        }
        assertThat(d.samples()).isEqualTo(16);
        assertThat(d.meanIntervalMs()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void unheardPeerIsNeverSuspected() {
        PhiAccrualDetector d = PhiAccrualDetector.of(config);
        assertThat(d.phi(1_000_000 * MS)).isZero();
    }
}
