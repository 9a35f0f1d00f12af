package io.conclave.sim.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceAndRandomTest {

    @Test
    void theSameEventsGiveTheSameHashAndAnotherOrderAnother() {
        Trace a = new Trace();
        Trace b = new Trace();
        Trace c = new Trace();
        a.record(1, "x", 1, 2);
        a.record(2, "y", 3, 4);
        b.record(1, "x", 1, 2);
        b.record(2, "y", 3, 4);
        c.record(2, "y", 3, 4);
        c.record(1, "x", 1, 2);
        assertThat(a.hash()).isEqualTo(b.hash());
        assertThat(a.hash()).isNotEqualTo(c.hash());
        assertThat(a.events()).isEqualTo(2);
    }

    @Test
    void aComponentsStreamDoesNotShiftWhenAnotherDrawsMore() {
        SimRandom net1 = SimRandom.of(42, "net");
        SimRandom net2 = SimRandom.of(42, "net");
        SimRandom disk = SimRandom.of(42, "disk");
        for (int i = 0; i < 100; i++) {
            disk.nextLong();
        }
        assertThat(net1.nextLong()).isEqualTo(net2.nextLong());
        assertThat(SimRandom.of(42, "net").nextLong()).isNotEqualTo(SimRandom.of(43, "net").nextLong());
    }

    @Test
    void drawsStayInTheirRanges() {
        SimRandom r = SimRandom.of(7, "t");
        for (int i = 0; i < 1000; i++) {
            assertThat(r.between(5, 9)).isBetween(5L, 9L);
            assertThat(r.exponential(100)).isBetween(0L, 2000L);
        }
    }

    @Test
    void buggifyNeverFiresWhenOffAndRepeatsItselfWhenOn() {
        Buggify off = Buggify.off();
        for (int i = 0; i < 1000; i++) {
            assertThat(off.fire("p")).isFalse();
        }
        Buggify on1 = new Buggify(true, 0.5, SimRandom.of(3, "b"));
        Buggify on2 = new Buggify(true, 0.5, SimRandom.of(3, "b"));
        StringBuilder s1 = new StringBuilder();
        StringBuilder s2 = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            s1.append(on1.fire("p" + (i % 4)) ? '1' : '0');
            s2.append(on2.fire("p" + (i % 4)) ? '1' : '0');
        }
        assertThat(s1.toString()).isEqualTo(s2.toString()).contains("1");
    }
}
