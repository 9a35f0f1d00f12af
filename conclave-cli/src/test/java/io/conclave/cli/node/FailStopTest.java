package io.conclave.cli.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailStopTest {

    @Test
    void aThreadDyingOfAnUncaughtExceptionStopsTheProcessWithExitCode70() throws Exception {
        BlockingQueue<Integer> halted = new ArrayBlockingQueue<>(1);
        Thread loop = new Thread(() -> {
            throw new IllegalStateException("segment log unusable after a read error");
        }, "n1-loop-0");
        loop.setUncaughtExceptionHandler(new FailStop(halted::add));
        loop.start();
        loop.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(halted.poll(10, TimeUnit.SECONDS)).isEqualTo(FailStop.EXIT_CODE);
    }

    @Test
    void theProcessStopsEvenWhenLoggingTheDeathFails() throws Exception {
        BlockingQueue<Integer> halted = new ArrayBlockingQueue<>(1);
        Throwable unprintable = new RuntimeException() {
            @Override
            public String toString() {
                throw new IllegalStateException("cannot describe myself");
            }
        };
        Thread t = new Thread(() -> {
            throw (RuntimeException) unprintable;
        }, "n1-applier-0");
        t.setUncaughtExceptionHandler(new FailStop(halted::add));
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(halted.poll(10, TimeUnit.SECONDS)).isEqualTo(FailStop.EXIT_CODE);
    }
}
