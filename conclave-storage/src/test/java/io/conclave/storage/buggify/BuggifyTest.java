package io.conclave.storage.buggify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BuggifyTest {

    @Test
    void noPointFiresWithoutAnInstalledSource() {
        assertThat(Buggify.fire(Buggify.WAL_SHORT_WRITE)).isFalse();
        assertThat(Buggify.fire("any.point")).isFalse();
    }

    @Test
    void anInstalledSourceDecidesOnItsThreadUntilClosed() throws InterruptedException {
        List<String> asked = new ArrayList<>();
        try (Buggify.Scope ignored = Buggify.install(point -> {
            asked.add(point);
            return point.equals(Buggify.WAL_DEFER_BATCH);
        })) {
            assertThat(Buggify.fire(Buggify.WAL_DEFER_BATCH)).isTrue();
            assertThat(Buggify.fire(Buggify.REPLICATION_DROP)).isFalse();
            AtomicBoolean otherThreadFired = new AtomicBoolean(true);
            Thread t = new Thread(() -> otherThreadFired.set(Buggify.fire(Buggify.WAL_DEFER_BATCH)));
            t.start();
            t.join(10_000);
            assertThat(otherThreadFired).as("another thread sees no source").isFalse();
        }
        assertThat(asked).containsExactly(Buggify.WAL_DEFER_BATCH, Buggify.REPLICATION_DROP);
        assertThat(Buggify.fire(Buggify.WAL_DEFER_BATCH)).as("after the scope closed").isFalse();
    }

    @Test
    void aSecondSourceOnTheSameThreadIsRefused() {
        try (Buggify.Scope ignored = Buggify.install(point -> false)) {
            assertThatThrownBy(() -> Buggify.install(point -> true)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already installed");
        }
    }
}
