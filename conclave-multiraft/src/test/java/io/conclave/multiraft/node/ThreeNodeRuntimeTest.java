package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreeNodeRuntimeTest {

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

    @Test
    void hundredGroupsOnThreeNodesElectLeadersAndReplicate() throws Exception {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        List<Long> gids = groups(100);
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(30));

        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (long g : gids) {
            long leader = cluster.leaderOf(g); // 0 while the group is between leaders (a loaded machine)
            fs.add(leader == 0 ? null : cluster.node(leader).propose(g, ("v" + g).getBytes()));
        }
        for (int i = 0; i < fs.size(); i++) {
            long g = gids.get(i);
            if (fs.get(i) == null) {
                assertThat(cluster.propose(g, "v" + g, Duration.ofSeconds(10))).isPositive();
                continue;
            }
            try {
                assertThat(fs.get(i).get(10, TimeUnit.SECONDS)).isPositive();
            } catch (ExecutionException e) {
                // refused, never appended: the group changed leader since the look-up (a loaded machine)
                assertThat(e.getCause()).isInstanceOf(NotLeaderException.class);
                assertThat(cluster.propose(g, "v" + g, Duration.ofSeconds(10))).isPositive();
            }
        }
        Await.until(Duration.ofSeconds(20), () -> gids.stream().allMatch(g ->
                LongStream.rangeClosed(1, 3).allMatch(n -> cluster.machine(n).values(g).equals(List.of("v" + g)))),
                () -> "every replica applied its group's value");
        assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.failure()).isNull());
    }

    @Test
    void proposalToAFollowerFailsWithNotLeaderAndItsLeaderHint() throws Exception {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(7, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(7L), Duration.ofSeconds(20));
        long leader = cluster.leaderOf(7);
        long follower = leader == 1 ? 2 : 1;
        Await.until(Duration.ofSeconds(10), () -> cluster.status(follower, 7).leader() == leader,
                () -> "follower learns the leader");
        CompletableFuture<Long> f = cluster.node(follower).propose(7, "x".getBytes());
        Throwable t = f.handle((v, e) -> e).get();
        assertThat(t).isInstanceOf(NotLeaderException.class);
        assertThat(((NotLeaderException) t).leaderHint()).isEqualTo(leader);
    }

    @Test
    void linearizableReadCompletesAfterTheWriteIsApplied() throws Exception {
        cluster = new TestCluster(dir, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(9, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(9L), Duration.ofSeconds(20));
        long index = cluster.propose(9, "w1", Duration.ofSeconds(20));
        // Each read is asked of one node and judged there; a leader change meanwhile (a loaded machine
        // has them) refuses it with NOT_LEADER, and it is asked again.
        long[] readAt = new long[2];
        Await.until(Duration.ofSeconds(20), () -> {
            long leader = cluster.leaderOf(9);
            long read = leader == 0 ? -1 : readIndexOrRefused(leader);
            if (read < 0) {
                return false;
            }
            assertThat(read).isGreaterThanOrEqualTo(index);
            assertThat(cluster.machine(leader).values(9)).containsExactly("w1");
            readAt[0] = leader;
            return true;
        }, () -> "a ReadIndex read at the leader");
        long follower = readAt[0] == 1 ? 2 : 1;
        Await.until(Duration.ofSeconds(20), () -> {
            long read = readIndexOrRefused(follower);
            if (read < 0) {
                return false;
            }
            assertThat(read).isGreaterThanOrEqualTo(index);
            assertThat(cluster.machine(follower).values(9)).containsExactly("w1");
            return true;
        }, () -> "a ReadIndex read at follower " + follower);
    }

    /** A READ_INDEX read of group 9 at {@code node}; -1 when it was refused with NOT_LEADER. */
    private long readIndexOrRefused(long node) {
        try {
            return cluster.node(node).read(9, io.conclave.raft.ReadMode.READ_INDEX).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(NotLeaderException.class);
            return -1;
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }
}
