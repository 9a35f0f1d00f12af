package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DestroyGroupTest {

    private static final Set<Long> NODES = Set.of(1L, 2L, 3L);
    private static final String GROUPS_DIR = "data/storage/groups";

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startThreeNodes() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build());
        NODES.forEach(cluster::start);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 10 s", e);
        }
    }

    @Test
    void aDestroyedReplicaFailsWhatWaitsIsGoneFromRuntimeAndDiskAndIgnoresLateMessages() throws Exception {
        startThreeNodes();
        cluster.createGroup(5, NODES);
        cluster.createGroup(6, NODES);
        cluster.awaitLeaders(List.of(5L, 6L), Duration.ofSeconds(30));
        cluster.propose(5, "a", Duration.ofSeconds(20));
        long leader = cluster.leaderOf(5);
        List<Long> followers = NODES.stream().filter(n -> n != leader).sorted().toList();

        for (long f : followers) {
            TestCluster.get(cluster.node(f).destroyGroup(5));
            assertThat(cluster.node(f).hostsGroup(5)).isFalse();
            assertThat(cluster.disk(f).list(GROUPS_DIR)).doesNotContain("5").contains("6");
            assertThat(cluster.machine(f).forgotten()).containsExactly(5L);
        }
        // The leader has lost its followers: this proposal waits, until the replica is destroyed under it.
        CompletableFuture<Long> waiting = cluster.node(leader).propose(5, "b".getBytes(StandardCharsets.UTF_8));
        Await.until(Duration.ofSeconds(20), () -> followers.stream().allMatch(f ->
                cluster.node(f).stats().loops().messagesUnknownGroup() > 0),
                () -> "the leader's appends reach the followers that no longer host the group");
        assertThat(waiting).isNotDone();
        TestCluster.get(cluster.node(leader).destroyGroup(5));

        Throwable t = failureOf(waiting);
        assertThat(t).isInstanceOf(RequestFailedException.class).hasMessageContaining("destroyed");
        assertThat(((RequestFailedException) t).reason()).isEqualTo(RequestFailedException.Reason.CLOSED);
        Throwable later = failureOf(cluster.node(leader).propose(5, "c".getBytes(StandardCharsets.UTF_8)));
        assertThat(((RequestFailedException) later).reason()).isEqualTo(RequestFailedException.Reason.UNKNOWN_GROUP);
        assertThat(((RequestFailedException) failureOf(cluster.node(leader).destroyGroup(5))).reason())
                .isEqualTo(RequestFailedException.Reason.UNKNOWN_GROUP);
        assertThat(cluster.node(leader).leaderOf(5)).isEqualTo(LeaderTable.Leader.NONE);
        for (long n : NODES) {
            assertThat(cluster.node(n).hostsGroup(5)).isFalse();
            assertThat(cluster.node(n).stats().loops().replicas()).as("node %d hosts group 6 only", n).isEqualTo(1);
            assertThat(cluster.disk(n).list(GROUPS_DIR)).containsExactly("6");
            assertThat(cluster.node(n).failure()).isNull();
        }
        cluster.propose(6, "still-here", Duration.ofSeconds(20));
    }

    @Test
    void aDestroyedGroupStaysGoneAfterARestartAndItsIdCanStartAfresh() throws IOException {
        startThreeNodes();
        cluster.createGroup(9, NODES);
        cluster.awaitLeaders(List.of(9L), Duration.ofSeconds(30));
        cluster.propose(9, "old-1", Duration.ofSeconds(20));
        cluster.propose(9, "old-2", Duration.ofSeconds(20));
        for (long n : NODES) {
            TestCluster.get(cluster.node(n).destroyGroup(9));
        }
        cluster.stop(2);
        cluster.start(2);
        assertThat(cluster.node(2).hostsGroup(9)).as("the restart does not replay it back").isFalse();

        cluster.createGroup(9, NODES);
        cluster.awaitLeaders(List.of(9L), Duration.ofSeconds(30));
        cluster.propose(9, "new-1", Duration.ofSeconds(20));
        Await.until(Duration.ofSeconds(20), () -> NODES.stream().allMatch(n ->
                cluster.machine(n).values(9).equals(List.of("new-1"))),
                () -> "every replica of the new group applied only its own entry");
        assertThat(cluster.status(2, 9).lastIndex()).as("the new log holds none of the old entries")
                .isLessThan(4);
        cluster.stop(3);
        cluster.start(3);
        Await.until(Duration.ofSeconds(20), () -> cluster.machine(3).values(9).equals(List.of("new-1")),
                () -> "node 3 replays the new incarnation only, got " + cluster.machine(3).values(9));
    }
}
