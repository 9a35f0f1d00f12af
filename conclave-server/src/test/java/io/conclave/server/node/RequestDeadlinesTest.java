package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.server.support.LocalCluster;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {

    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
    private final RequestDeadlines deadlines = new RequestDeadlines(nowNs::get);

    private void advanceMs(long ms) {
        nowNs.addAndGet(ms * 1_000_000L);
    }

    @Test
    void aRequestNotAnsweredByItsDeadlineFailsWithATimeoutAtTheFirstSweepAfterIt() {
        CompletableFuture<String> f = deadlines.failAfter(new CompletableFuture<>(), 100);
        advanceMs(99);
        assertThat(deadlines.sweep()).isZero();
        assertThat(f).isNotDone();
        advanceMs(1);
        assertThat(deadlines.sweep()).isEqualTo(1);
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("100 ms");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void aLongPollEndsWithItsValueAtItsDeadline() {
        CompletableFuture<Long> f = deadlines.completeAfter(new CompletableFuture<>(), -1L, 500);
        advanceMs(499);
        deadlines.sweep();
        assertThat(f).isNotDone();
        advanceMs(1);
        deadlines.sweep();
        assertThat(f.join()).isEqualTo(-1L);
    }

    @Test
    void aRequestAnsweredInTimeIsLeftAloneAndDroppedAtItsDeadline() {
        CompletableFuture<String> f = deadlines.failAfter(new CompletableFuture<>(), 100);
        CompletableFuture<String> later = deadlines.failAfter(new CompletableFuture<>(), 300);
        f.complete("ok");
        assertThat(deadlines.size()).isEqualTo(2);
        advanceMs(100);
        assertThat(deadlines.sweep()).isZero();
        assertThat(f.join()).isEqualTo("ok");
        assertThat(deadlines.size()).isEqualTo(1);
        advanceMs(200);
        assertThat(deadlines.sweep()).isEqualTo(1);
        assertThat(later).isCompletedExceptionally();
    }

    @Test
    void deadlinesEndInTheirOrderNotInTheOrderTheyWereAdded() {
        CompletableFuture<String> slow = deadlines.failAfter(new CompletableFuture<>(), 1_000);
        CompletableFuture<String> quick = deadlines.failAfter(new CompletableFuture<>(), 10);
        advanceMs(10);
        assertThat(deadlines.sweep()).isEqualTo(1);
        assertThat(quick).isCompletedExceptionally();
        assertThat(slow).isNotDone();
    }

    @Test
    void withASweeperARequestEndsWithoutAnyoneCallingSweepAndAnIdleHeapStopsTheSweeps() throws Exception {
        ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1);
        try {
            RequestDeadlines swept = new RequestDeadlines(System::nanoTime, sweeper, 5);
            CompletableFuture<String> f = swept.failAfter(new CompletableFuture<>(), 1);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
            LocalCluster.Await.until(Duration.ofSeconds(10), () -> swept.size() == 0 && sweeper.getQueue().isEmpty(),
                    () -> "the sweeps stop once nothing is pending");
        } finally {
            sweeper.shutdownNow();
        }
    }

    @Test
    void aFutureDoneAlreadyIsNotKeptAndANegativeDelayIsRefused() {
        deadlines.failAfter(CompletableFuture.completedFuture("x"), 100);
        assertThat(deadlines.size()).isZero();
        assertThatThrownBy(() -> deadlines.failAfter(new CompletableFuture<>(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
