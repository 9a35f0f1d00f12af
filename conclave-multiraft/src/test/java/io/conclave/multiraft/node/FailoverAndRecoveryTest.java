package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.raft.ConfChange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverAndRecoveryTest {

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<Long> groups(int n) {
        return LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    }

    private void startNodes(long... ids) {
        for (long id : ids) {
            cluster.start(id);
        }
    }

    /**
     * The per-group election timeout is set to 20 s (2,000 ticks of 10 ms), far beyond the bound of
     * the wait: only the liveness-driven campaigns can move the groups in time.
     */
    @Test
    void groupsLedByAStoppedNodeMoveThroughLivenessNotElectionTimeouts() {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().electionTimeoutTicks(2_000)
                .heartbeatIntervalTicks(5).build());
        startNodes(1, 2, 3);
        List<Long> gids = groups(30);
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(15));
        List<Long> ledBy1 = gids.stream().filter(g -> cluster.leaderOf(g) == 1).collect(Collectors.toList());
        assertThat(ledBy1).isNotEmpty(); // the lowest voter bootstraps every group
        gids.forEach(g -> cluster.propose(g, "before-" + g, Duration.ofSeconds(10)));

        cluster.stop(1);
        cluster.awaitLeaders(ledBy1, Duration.ofSeconds(8));

        for (long n = 2; n <= 3; n++) {
            RuntimeStats s = cluster.node(n).stats();
            assertThat(s.liveness().suspicions()).as("node %d suspected node 1", n).isGreaterThanOrEqualTo(1);
        }
        long started = cluster.node(2).stats().loops().electionsStarted()
                + cluster.node(3).stats().loops().electionsStarted();
        assertThat(started).isGreaterThanOrEqualTo(ledBy1.size());
        for (long g : ledBy1) {
            cluster.propose(g, "after-" + g, Duration.ofSeconds(10));
        }
        Await.until(Duration.ofSeconds(10), () -> ledBy1.stream().allMatch(g ->
                cluster.machine(2).values(g).equals(List.of("before-" + g, "after-" + g))
                        && cluster.machine(3).values(g).equals(List.of("before-" + g, "after-" + g))),
                () -> "survivors apply the writes before and after the failover, in order");
    }

    @Test
    void restartedNodeCatchesUpOnWhatItMissed() {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().build());
        startNodes(1, 2, 3);
        List<Long> gids = groups(10);
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(15));
        gids.forEach(g -> cluster.propose(g, "a" + g, Duration.ofSeconds(10)));
        Await.until(Duration.ofSeconds(10), () -> gids.stream().allMatch(g -> cluster.machine(3).values(g).size() == 1),
                () -> "node 3 applied the first writes");
        long incarnation = cluster.node(3).incarnation();

        cluster.stop(3);
        gids.forEach(g -> cluster.propose(g, "b" + g, Duration.ofSeconds(10)));
        cluster.start(3);

        assertThat(cluster.node(3).incarnation()).isEqualTo(incarnation + 1);
        assertThat(cluster.node(3).rejoiningGroups()).isEmpty(); // a clean stop lost nothing
        Await.until(Duration.ofSeconds(20), () -> gids.stream().allMatch(g ->
                cluster.machine(3).values(g).equals(List.of("a" + g, "b" + g))),
                () -> "the restarted node replays its log and catches up");
    }

    @Test
    void replicaFarBehindIsSentASnapshot() {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().snapshotEntries(20).compactKeepEntries(5).build());
        startNodes(1, 2, 3);
        long g = 42;
        cluster.createGroup(g, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        cluster.propose(g, "first", Duration.ofSeconds(10));
        cluster.stop(3);
        List<String> expected = new ArrayList<>(List.of("first"));
        for (int i = 0; i < 100; i++) {
            cluster.propose(g, "x" + i, Duration.ofSeconds(10));
            expected.add("x" + i);
        }
        long leader = cluster.leaderOf(g);
        Await.until(Duration.ofSeconds(10), () -> cluster.status(leader, g).firstIndex() > 10,
                () -> "the leader compacted its log behind a snapshot");
        cluster.start(3);
        Await.until(Duration.ofSeconds(20), () -> cluster.machine(3).values(g).equals(expected),
                () -> "node 3 restored the leader's snapshot and the log after it");
        assertThat(cluster.node(3).stats().snapshotsRestored()).isGreaterThanOrEqualTo(1);
        assertThat(cluster.status(3, g).snapshotIndex()).isPositive();
    }

    @Test
    void addedReplicaCatchesUpBySnapshotAndLog() {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().snapshotEntries(20).compactKeepEntries(5).build());
        startNodes(1, 2, 3, 4);
        long g = 5;
        cluster.createGroup(g, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cluster.propose(g, "e" + i, Duration.ofSeconds(10));
            expected.add("e" + i);
        }
        TestCluster.get(cluster.node(4).createGroup(g, Set.of(1L, 2L, 3L))); // not a member yet: starts empty
        long leader = cluster.leaderOf(g);
        TestCluster.get(cluster.node(leader).changeMembership(g, ConfChange.addVoter(4)));
        for (int i = 60; i < 70; i++) {
            cluster.propose(g, "e" + i, Duration.ofSeconds(10));
            expected.add("e" + i);
        }
        Await.until(Duration.ofSeconds(20), () -> cluster.machine(4).values(g).equals(expected),
                () -> "the new replica holds every value: " + cluster.machine(4).values(g).size());
        GroupStatus s4 = cluster.status(4, g);
        assertThat(s4.confState().voters()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(cluster.node(4).stats().snapshotsRestored()).isGreaterThanOrEqualTo(1);
    }
}
