package io.conclave.transport.grpc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void withoutJitterTheDelayDoublesUpToTheCap() {
        Backoff b = new Backoff(10, 300, 0, 1);
        assertThat(b.delayMs(1)).isEqualTo(10);
        assertThat(b.delayMs(2)).isEqualTo(20);
        assertThat(b.delayMs(5)).isEqualTo(160);
        assertThat(b.delayMs(6)).isEqualTo(300);
        assertThat(b.delayMs(1_000)).isEqualTo(300);
    }

    @Test
    void jitterOnlyShortensAndStaysWithinItsShare() {
        Backoff b = new Backoff(100, 1_000, 0.5, 7);
        boolean varied = false;
        long first = b.delayMs(3);
        for (int i = 0; i < 500; i++) {
            long d = b.delayMs(3);
            assertThat(d).isBetween(200L, 400L);
            varied |= d != first;
            assertThat(b.delayMs(64)).isBetween(500L, 1_000L);
        }
        assertThat(varied).isTrue();
    }

    @Test
    void attemptsCountFromOne() {
        assertThatThrownBy(() -> new Backoff(10, 20, 0, 1).delayMs(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
