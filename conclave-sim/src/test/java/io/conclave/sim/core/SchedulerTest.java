package io.conclave.sim.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    @Test
    void eventsRunInTimeOrderThenInTheOrderTheyWereScheduled() {
        Scheduler s = new Scheduler(100);
        List<String> ran = new ArrayList<>();
        s.at(20, () -> ran.add("b"));
        s.at(10, () -> ran.add("a"));
        s.at(20, () -> ran.add("c"));
        s.runUntil(100);
        assertThat(ran).containsExactly("a", "b", "c");
    }

    @Test
    void timeJumpsToTheNextEvent() {
        Scheduler s = new Scheduler(100);
        long[] seen = new long[1];
        s.at(1_000_000_000L, () -> seen[0] = s.nowNs());
        assertThat(s.runNext()).isTrue();
        assertThat(seen[0]).isEqualTo(1_000_000_000L);
        assertThat(s.runNext()).isFalse();
    }

    @Test
    void schedulingInThePastIsRefused() {
        Scheduler s = new Scheduler(100);
        s.runUntil(50);
        assertThatThrownBy(() -> s.at(10, () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.after(-1, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runUntilAConditionStopsAtTheLimit() {
        Scheduler s = new Scheduler(100);
        int[] n = {0};
        for (int i = 1; i <= 10; i++) {
            s.at(i * 10L, () -> n[0]++);
        }
        assertThat(s.runUntil(() -> n[0] >= 3, 1000)).isTrue();
        assertThat(s.nowNs()).isEqualTo(30);
        assertThat(s.runUntil(() -> n[0] >= 100, 75)).isFalse();
        assertThat(n[0]).isEqualTo(7);
        assertThat(s.nowNs()).isEqualTo(75);
    }

    @Test
    void aRunPastItsEventBoundFailsLoudly() {
        Scheduler s = new Scheduler(5);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> s.after(1, loop[0]);
        s.after(0, loop[0]);
        assertThatThrownBy(() -> s.runUntil(1_000_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exceeded 5 events");
    }
}
