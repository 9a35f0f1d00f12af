package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The preferred-leader hand-off waits until a group's leadership has held still; time is driven by the test. */
class StableLeadersTest {

    private long nowNs = 1_000;
    private final MembershipReconciler.StableLeaders stable = new MembershipReconciler.StableLeaders(3_000, () -> nowNs);

    private void advanceMs(long ms) {
        nowNs += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void aGroupIsSettledOnlyAfterItsTermHasHeldForTheStableTime() {
        assertThat(stable.settled(7, 2)).as("first sight starts the clock").isFalse();
        advanceMs(2_999);
        assertThat(stable.settled(7, 2)).isFalse();
        advanceMs(1);
        assertThat(stable.settled(7, 2)).isTrue();
    }

    @Test
    void aNewTermRestartsTheClock() {
        stable.settled(7, 2);
        advanceMs(5_000);
        assertThat(stable.settled(7, 3)).isFalse();
        advanceMs(2_000);
        assertThat(stable.settled(7, 3)).isFalse();
        advanceMs(1_000);
        assertThat(stable.settled(7, 3)).isTrue();
    }

    @Test
    void groupsAreTrackedApart() {
        stable.settled(1, 1);
        advanceMs(3_000);
        assertThat(stable.settled(2, 1)).isFalse();
        assertThat(stable.settled(1, 1)).isTrue();
    }

    @Test
    void zeroStableTimeHandsOffAtOnceAndANegativeOneIsRefused() {
        MembershipReconciler.StableLeaders eager = new MembershipReconciler.StableLeaders(0, () -> nowNs);
        assertThat(eager.settled(1, 1)).isTrue();
        assertThatThrownBy(() -> new MembershipReconciler.StableLeaders(-1, () -> nowNs))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
