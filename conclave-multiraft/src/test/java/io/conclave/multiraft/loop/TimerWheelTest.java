package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerWheelTest {

    private static final long MS = 1_000_000L;

    private static final class Recorder extends TimerWheel.Timer {
        final List<Long> firedAt = new ArrayList<>();

        @Override
        protected void onExpire(long nowNs) {
            firedAt.add(nowNs);
        }
    }

    @Test
    void timerFiresOnceWhenItsDeadlineIsReachedAndNotBefore() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        Recorder t = new Recorder();
        w.schedule(t, 5 * MS);
        for (long now = 0; now < 5 * MS; now += MS) {
            assertThat(w.expire(now)).isZero();
        }
        assertThat(w.expire(5 * MS)).isEqualTo(1);
        assertThat(w.expire(6 * MS)).isZero();
        assertThat(t.firedAt).containsExactly(5 * MS);
        assertThat(t.isScheduled()).isFalse();
    }

    @Test
    void timerMoreThanOneTurnAwayWaitsForItsTurn() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        Recorder t = new Recorder();
        w.schedule(t, 20 * MS); // same slot as 4 ms and 12 ms
        for (long now = 0; now < 20 * MS; now += MS) {
            w.expire(now);
        }
        assertThat(t.firedAt).isEmpty();
        w.expire(20 * MS);
        assertThat(t.firedAt).containsExactly(20 * MS);
    }

    @Test
    void aLongStallFiresEveryDueTimerExactlyOnce() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        List<Recorder> ts = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            Recorder t = new Recorder();
            w.schedule(t, i * MS);
            ts.add(t);
        }
        Recorder late = new Recorder();
        w.schedule(late, 1000 * MS);
        assertThat(w.expire(500 * MS)).isEqualTo(30);
        assertThat(ts).allSatisfy(t -> assertThat(t.firedAt).hasSize(1));
        assertThat(late.firedAt).isEmpty();
        assertThat(w.size()).isEqualTo(1);
    }

    @Test
    void timerRescheduledFromItsCallbackFiresAgainOnlyLater() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        List<Long> fired = new ArrayList<>();
        TimerWheel.Timer periodic = new TimerWheel.Timer() {
            @Override
            protected void onExpire(long nowNs) {
                fired.add(nowNs);
                w.schedule(this, nowNs); // asks for "now" again: must wait for the next expire
            }
        };
        w.schedule(periodic, MS);
        w.expire(MS);
        w.expire(MS);
        w.expire(2 * MS);
        assertThat(fired).containsExactly(MS, 2 * MS);
    }

    @Test
    void cancelledTimerNeverFires() {
        TimerWheel w = new TimerWheel(8, MS, 0);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        w.schedule(a, 3 * MS);
        w.schedule(b, 3 * MS);
        w.cancel(a);
        w.expire(10 * MS);
        assertThat(a.firedAt).isEmpty();
        assertThat(b.firedAt).hasSize(1);
    }
}
