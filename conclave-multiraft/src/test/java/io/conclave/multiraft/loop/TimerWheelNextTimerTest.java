package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An idle loop parks until its next timer: the wheel must never answer later than that timer. */
class TimerWheelNextTimerTest {

    private static final long MS = 1_000_000L;

    private static TimerWheel.Timer timer() {
        return new TimerWheel.Timer() {
            @Override
            protected void onExpire(long nowNs) {
            }
        };
    }

    @Test
    void anEmptyWheelLetsTheLoopParkForTheWholeBound() {
        TimerWheel w = new TimerWheel(64, MS, 0);
        assertThat(w.nanosUntilNextTimer(0, 100 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void theAnswerIsTheStartOfTheNextTimersSlot() {
        TimerWheel w = new TimerWheel(64, MS, 0);
        w.schedule(timer(), 10 * MS + 500_000);
        w.schedule(timer(), 30 * MS);
        assertThat(w.nanosUntilNextTimer(2 * MS + 250_000, 100 * MS)).isEqualTo(7 * MS + 750_000);
        assertThat(w.nanosUntilNextTimer(2 * MS, 5 * MS)).isEqualTo(5 * MS);
    }

    @Test
    void aDueTimerMeansDoNotParkAndAFarTimerIsNeverAnsweredLate() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        TimerWheel.Timer t = timer();
        w.schedule(t, 3 * MS);
        assertThat(w.nanosUntilNextTimer(5 * MS, 100 * MS)).isZero();
        w.cancel(t);
        // 20 ms away on an 8-slot wheel: its slot comes around early, which is early, never late
        w.schedule(t, 20 * MS);
        long wait = w.nanosUntilNextTimer(0, 100 * MS);
        assertThat(wait).isLessThanOrEqualTo(20 * MS).isPositive();
    }
}
