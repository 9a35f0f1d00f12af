package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resting group whose leader's node restarts before any detector suspects it: nobody in the group
 * ticks and the election timeout is 20 s, so only the restart itself (a ping with a new incarnation)
 * can tell the followers that the leader they remember is gone.
 */
class QuiescedLeaderRestartTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void restingGroupsGetANewLeaderSoonAfterTheirLeadersNodeRestartsUnsuspected() {
        // Silence is suspected only after a minute, even of an unreachable peer: no detector fires.
        LivenessConfig deaf = LivenessConfig.of(10_000_000L, 8.0, 10_000_000_000L, 60_000_000_000L, 60_000_000_000L);
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().quiesceIdleTicks(5)
                .electionTimeoutTicks(2_000).liveness(deaf).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        List<Long> gids = LongStream.rangeClosed(1, 10).boxed().collect(Collectors.toList());
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(15));
        gids.forEach(g -> cluster.propose(g, "v" + g, Duration.ofSeconds(10)));
        long leader = cluster.leaderOf(gids.get(0));
        Await.until(Duration.ofSeconds(15), () -> gids.stream().allMatch(g ->
                LongStream.rangeClosed(1, 3).allMatch(n -> cluster.status(n, g).quiesced())),
                () -> "every replica of every group rests: " + cluster.describe(gids.get(0)));

        cluster.stop(leader);
        cluster.start(leader);
        cluster.awaitLeaders(gids, Duration.ofSeconds(10));
        // Groups may have their leader before every survivor heard the new incarnation: wait for both.
        Await.until(Duration.ofSeconds(10), () -> cluster.nodes().stream().allMatch(n -> n.nodeId() == leader
                        || n.stats().liveness().suspicions() >= 1),
                () -> "both survivors saw the restart");
        assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.stats().liveness().suspicions())
                .as("suspicions on node %d", n.nodeId())
                .isEqualTo(n.nodeId() == leader ? 0 : 1));
        gids.forEach(g -> cluster.propose(g, "w" + g, Duration.ofSeconds(10)));
        Await.until(Duration.ofSeconds(10), () -> gids.stream().allMatch(g -> LongStream.rangeClosed(1, 3)
                .allMatch(n -> cluster.machine(n).values(g).equals(List.of("v" + g, "w" + g)))),
                () -> "every replica applied both writes");
    }
}
