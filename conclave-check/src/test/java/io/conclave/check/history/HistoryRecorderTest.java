package io.conclave.check.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.check.Checkers;
import io.conclave.check.Verdict;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.HistoryRecorder.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {
    private final AtomicLong clock = new AtomicLong();
    private final HistoryRecorder recorder = new HistoryRecorder(() -> clock.addAndGet(10));

    @Test
    void invocationsAndCompletionsBecomeOperationsWithTheirTimes() {
        Invocation put = recorder.invoke(1, Request.put("x", "v1"));
        Operation done = put.okPut();
        Operation read = recorder.invoke(1, Request.read("p", 0, null, true)).okRead(List.of("a", "b"));
        Operation cas = recorder.invoke(2, Request.cas("x", "v1", "v2").at(Level.STRONG)).okCas(true);

        assertThat(done.callNs()).isEqualTo(10);
        assertThat(done.returnNs()).isEqualTo(20);
        assertThat(read.prefix()).isTrue();
        assertThat(read.values()).containsExactly("a", "b");
        assertThat(cas.level()).isEqualTo(Level.STRONG);
        assertThat(recorder.history().operations()).containsExactly(done, read, cas);
    }

    @Test
    void aClientCannotHaveTwoOperationsInFlight() {
        recorder.invoke(1, Request.get("x"));

        assertThatThrownBy(() -> recorder.invoke(1, Request.get("y")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has an operation in flight");
    }

    @Test
    void afterAnUnknownOutcomeTheClientMustTakeANewId() {
        recorder.invoke(3, Request.append("p", "m1")).unknown();

        assertThatThrownBy(() -> recorder.invoke(3, Request.append("p", "m2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("continue under a new id");
        int fresh = recorder.newClient();
        assertThat(fresh).isGreaterThan(3);
        recorder.invoke(fresh, Request.append("p", "m2")).okAppend(0);
        assertThat(recorder.history().size()).isEqualTo(2);
    }

    @Test
    void anInvocationCompletesOnceAndOnlyAsItsOwnKind() {
        Invocation get = recorder.invoke(1, Request.get("x"));

        assertThatThrownBy(() -> get.okAppend(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot complete a get as a append");
        get.okGet(null);
        assertThatThrownBy(() -> get.okGet("again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already completed");
    }

    @Test
    void aMalformedRequestIsRejectedWhenInvoked() {
        assertThatThrownBy(() -> recorder.invoke(1, Request.put("x", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("put needs a non-null value");
        assertThatThrownBy(() -> recorder.invoke(1, Request.read("p", 5, 4L, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to 4 is before from 5");
        recorder.invoke(1, Request.get("x")).okGet(null);
    }

    @Test
    void operationsStillInFlightAppearAsUnknown() {
        recorder.invoke(1, Request.put("x", "v1"));
        recorder.invoke(2, Request.get("x")).okGet("v1");

        History h = recorder.history();

        assertThat(h.operations()).hasSize(2);
        Operation pending = h.operations().get(0);
        assertThat(pending.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(pending.returnNs()).isNull();
        assertThat(Checkers.runAll(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void concurrentClientsRecordAValidHistory() throws InterruptedException {
        int threads = 4;
        int opsPerThread = 300;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    int client = recorder.newClient();
                    for (int i = 0; i < opsPerThread; i++) {
                        Invocation inv = recorder.invoke(client, Request.put("k" + id, "v" + id + "-" + i));
                        if (i % 50 == 49) {
                            inv.unknown();
                            client = recorder.newClient();
                        } else {
                            inv.okPut();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(failure.get()).isNull();
        History h = recorder.history();
        assertThat(h.size()).isEqualTo(threads * opsPerThread);
        assertThat(h.operations().stream().filter(o -> o.outcome() == Outcome.UNKNOWN)).hasSize(threads * 6);
        assertThat(h.operations().stream().mapToInt(Operation::client).distinct().count()).isEqualTo(threads * 6L);
    }
}
