package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many groups' Readies become durable in one loop step while the applier's queue has room for one
 * task: the capacity checked when each Ready was taken is no reservation, so the committed entries
 * that do not fit must wait their turn, not crash the loop.
 */
class FullApplierTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The group's leader; on a loaded machine a group may be between leaders for a moment. */
    private long leaderOf(long g) {
        long[] leader = {0};
        Await.until(Duration.ofSeconds(10), () -> (leader[0] = cluster.leaderOf(g)) != 0,
                () -> "a leader of group " + g + ": " + cluster.describe(g));
        return leader[0];
    }

    /**
     * Waits for a write; one refused because its group changed leader in between (a loaded machine) was
     * never appended and is sent again to the new leader.
     */
    private void awaitOrResend(CompletableFuture<Long> write, long g) {
        try {
            write.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof NotLeaderException)) {
                throw new AssertionError(e);
            }
            cluster.propose(g, "resent", Duration.ofSeconds(10));
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void committedEntriesWaitForRoomInAFullApplierAndAreAllApplied() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().loopCount(1).applyQueueCapacity(1).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        List<Long> gids = LongStream.rangeClosed(1, 40).boxed().collect(Collectors.toList());
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(20));
        gids.forEach(g -> cluster.propose(g, "first-" + g, Duration.ofSeconds(10)));
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        List<Long> writeGroups = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (long g : gids) {
                writes.add(cluster.node(leaderOf(g)).propose(g, ("w" + round).getBytes(StandardCharsets.UTF_8)));
                writeGroups.add(g);
            }
        }
        for (int i = 0; i < writes.size(); i++) {
            awaitOrResend(writes.get(i), writeGroups.get(i));
        }
        Await.until(Duration.ofSeconds(20), () -> gids.stream().allMatch(g -> LongStream.rangeClosed(1, 3)
                .allMatch(n -> cluster.machine(n).values(g).size() == 6)), () -> "every write applied everywhere");
        assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.failure()).as("node %d", n.nodeId()).isNull());
        assertThat(cluster.nodes().stream().mapToLong(n -> n.stats().loops().applyBackPressure()).sum())
                .as("the applier was full at times").isPositive();
    }
}
