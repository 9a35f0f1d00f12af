package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Idle groups rest: no heartbeats, no ticks; work wakes them, and liveness still moves them. */
class QuiescenceTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private long suspicions() {
        return cluster.nodes().stream().mapToLong(n -> n.stats().liveness().suspicions()).sum();
    }

    private long ticks() {
        return cluster.nodes().stream().mapToLong(n -> n.stats().loops().ticks()).sum();
    }

    @Test
    void idleGroupsStopTickingWakeForWorkAndStillFailOver() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().quiesceIdleTicks(5)
                .electionTimeoutTicks(2_000).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        List<Long> gids = LongStream.rangeClosed(1, 20).boxed().collect(Collectors.toList());
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(15));
        gids.forEach(g -> cluster.propose(g, "v" + g, Duration.ofSeconds(10)));

        Await.until(Duration.ofSeconds(15), () -> gids.stream().allMatch(g ->
                LongStream.rangeClosed(1, 3).allMatch(n -> cluster.status(n, g).quiesced())),
                () -> "every replica of every group rests: " + cluster.describe(gids.get(0)));
        // At most one last tick per replica (the one that parks it); awake, they would tick ~50 times each.
        // A suspicion (a loaded machine can starve a node past the detector) legitimately wakes groups:
        // such a window is not evidence either way and is taken again, a bounded number of times.
        long restTicks = -1;
        for (int window = 0; window < 5 && restTicks < 0; window++) {
            Await.until(Duration.ofSeconds(15), () -> gids.stream().allMatch(g ->
                    LongStream.rangeClosed(1, 3).allMatch(n -> cluster.status(n, g).quiesced())),
                    () -> "every replica rests again");
            long suspicionsBefore = suspicions();
            long ticksBefore = ticks();
            long pings = cluster.node(1).livenessStats().pingsSent();
            Await.until(Duration.ofSeconds(10), () -> cluster.node(1).livenessStats().pingsSent() >= pings + 100,
                    () -> "a while passes (node 1 pings its peers 50 more times)");
            if (suspicions() == suspicionsBefore) {
                restTicks = ticks() - ticksBefore;
            }
        }
        assertThat(restTicks).as("ticks of resting groups in a window without suspicions").isBetween(0L,
                gids.size() * 3L);

        cluster.propose(gids.get(0), "wake", Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), () -> LongStream.rangeClosed(1, 3).allMatch(n ->
                cluster.machine(n).values(gids.get(0)).equals(List.of("v" + gids.get(0), "wake"))),
                () -> "the woken group commits on every replica");

        Await.until(Duration.ofSeconds(15), () -> gids.stream().allMatch(g -> cluster.status(1, g).quiesced()),
                () -> "the groups rest again");
        cluster.stop(1);
        cluster.awaitLeaders(gids, Duration.ofSeconds(10)); // election timeout is 20 s: only liveness can do it
        assertThat(cluster.node(2).stats().liveness().suspicions()).isPositive();
    }
}
