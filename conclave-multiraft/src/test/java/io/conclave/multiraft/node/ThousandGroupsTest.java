package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A thousand groups on three nodes in one JVM (in-memory transport, simulated disks). */
class ThousandGroupsTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void thousandGroupsOverThreeNodesEachElectALeaderAndCommit() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().tickIntervalNs(20_000_000L)
                .electionTimeoutTicks(50).heartbeatIntervalTicks(10).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        List<Long> gids = LongStream.rangeClosed(1, 1_000).boxed().collect(Collectors.toList());
        List<CompletableFuture<Void>> created = new ArrayList<>();
        for (long g : gids) {
            for (long n = 1; n <= 3; n++) {
                created.add(cluster.node(n).createGroup(g, Set.of(1L, 2L, 3L)));
            }
        }
        created.forEach(TestCluster::get);
        cluster.awaitLeaders(gids, Duration.ofSeconds(60));

        // Leadership may still move right after the first elections: propose through whichever node
        // leads at the time, retrying on NOT_LEADER.
        for (long g : gids) {
            assertThat(cluster.propose(g, "w" + g, Duration.ofSeconds(30))).isPositive();
        }
        RuntimeStats s1 = cluster.node(1).stats();
        assertThat(s1.loops().replicas()).isEqualTo(1_000);
        assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.failure()).isNull());
    }
}
