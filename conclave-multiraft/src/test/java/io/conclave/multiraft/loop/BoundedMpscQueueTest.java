package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedMpscQueueTest {

    @Test
    void offersBeyondCapacityAreRefusedAndCounted() {
        BoundedMpscQueue<Integer> q = new BoundedMpscQueue<>(2);
        assertThat(q.offer(1)).isTrue();
        assertThat(q.offer(2)).isTrue();
        assertThat(q.offer(3)).isFalse();
        assertThat(q.refused()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.offer(4)).isTrue();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.poll()).isEqualTo(4);
        assertThat(q.poll()).isNull();
    }

    @Test
    void concurrentProducersNeverExceedCapacityAndLoseNothingAccepted() throws Exception {
        BoundedMpscQueue<Integer> q = new BoundedMpscQueue<>(1000);
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (q.offer(i)) {
                        accepted.incrementAndGet();
                    }
                }
            });
            producers.add(t);
            t.start();
        }
        for (Thread t : producers) {
            t.join(10_000);
        }
        assertThat(q.size()).isLessThanOrEqualTo(1000);
        int drained = 0;
        while (q.poll() != null) {
            drained++;
        }
        assertThat(drained).isEqualTo(accepted.get()).isEqualTo(1000);
        assertThat(q.refused()).isEqualTo(3000);
    }
}
