package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code rejoinAfterTornTail} (for disks that may lie about fsync), a node whose WAL had a torn
 * tail at recovery may have lost writes it had acknowledged: each of its replicas stops voting, asks
 * the leader to demote it to a learner, catches up, and asks to be a voter again. By default a torn
 * tail is only what an honest disk leaves of writes nobody was told of, and the replicas keep voting.
 */
class RejoinAfterPossibleLossTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void tearWalTail(Disk disk) throws IOException {
        List<String> files = disk.list("data/storage/wal");
        assertThat(files).isNotEmpty();
        String last = "data/storage/wal/" + files.get(files.size() - 1);
        try (FileHandle f = disk.open(last, OpenMode.READ_WRITE)) {
            byte[] garbage = {0x7f, 0x01, 0x00, 0x00, 0x33, 0x12, (byte) 0xab};
            f.append(garbage, 0, garbage.length);
            f.sync();
        }
    }

    @Test
    void replicaRecoveredFromATornWalRejoinsAsALearnerThenVotesAgain() throws IOException {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().rejoinAfterTornTail(true).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        long g = 11;
        cluster.createGroup(g, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        cluster.propose(g, "one", Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), () -> cluster.machine(3).values(g).size() == 1, () -> "node 3 applied");

        cluster.stop(3);
        tearWalTail(cluster.disk(3));
        cluster.start(3);
        assertThat(cluster.node(3).storage().recoveryReport().cutBytes).isPositive();
        assertThat(cluster.node(3).rejoiningGroups()).containsExactly(g);

        Await.until(Duration.ofSeconds(20), () -> cluster.node(3).stats().loops().rejoinsCompleted() == 1,
                () -> "node 3 finished rejoining: " + cluster.describe(g));
        assertThat(cluster.node(3).stats().loops().rejoinsDemoted()).isEqualTo(1);
        assertThat(cluster.node(3).rejoiningGroups()).isEmpty();
        long leader = cluster.leaderOf(g);
        Await.until(Duration.ofSeconds(10), () -> {
            GroupStatus s = cluster.status(leader, g);
            return s.confState().voters().equals(Set.of(1L, 2L, 3L)) && s.confState().learners().isEmpty();
        }, () -> "the leader's membership has node 3 as a voter again");
        cluster.propose(g, "two", Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), () -> cluster.machine(3).values(g).equals(List.of("one", "two")),
                () -> "node 3 applies new writes");
    }

    /**
     * With quiescence, the group rests while node 3 is away and when it comes back: its rejoining
     * replica knows no leader and does not vote, so it cannot wake the group itself. The leader's node
     * sees node 3's new incarnation and wakes the resting groups node 3 is a member of; no client
     * request is needed for the rejoin to finish.
     */
    @Test
    void restingGroupIsWokenForItsRejoiningReplica() throws IOException {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().quiesceIdleTicks(5).rejoinAfterTornTail(true).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        long g = 13;
        cluster.createGroup(g, Set.of(1L, 2L, 3L)); // node 1 bootstraps it and leads
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        cluster.propose(g, "one", Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(15), () -> cluster.machine(3).values(g).size() == 1
                        && cluster.status(3, g).quiesced(), () -> "node 3 applied and rests: " + cluster.describe(g));

        cluster.stop(3);
        tearWalTail(cluster.disk(3));
        Await.until(Duration.ofSeconds(15), () -> cluster.status(cluster.leaderOf(g), g).quiesced(),
                () -> "the group rests without node 3: " + cluster.describe(g));
        cluster.start(3);
        assertThat(cluster.node(3).rejoiningGroups()).containsExactly(g);

        Await.until(Duration.ofSeconds(20), () -> cluster.node(3).stats().loops().rejoinsCompleted() == 1,
                () -> "node 3 finished rejoining without a client request: " + cluster.describe(g));
        assertThat(cluster.node(3).rejoiningGroups()).isEmpty();
        Await.until(Duration.ofSeconds(15), () -> cluster.status(cluster.leaderOf(g), g).quiesced(),
                () -> "the group rests again once node 3 is a voter: " + cluster.describe(g));
    }

    /**
     * A power loss of the whole cluster under load tears every node's WAL tail. Were a torn tail taken
     * for possible loss, every replica of the group would stop voting, and no leader could ever be
     * elected again; by default each keeps its vote and the group comes back with every write.
     */
    @Test
    void tornTailsOnEveryNodeStillElectALeaderWithEveryWrite() throws IOException {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        long g = 14;
        cluster.createGroup(g, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        cluster.propose(g, "one", Duration.ofSeconds(10));
        for (long id = 1; id <= 3; id++) {
            cluster.stop(id);
            tearWalTail(cluster.disk(id));
        }
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
            assertThat(cluster.node(id).storage().recoveryReport().cutBytes).isPositive();
            assertThat(cluster.node(id).rejoiningGroups()).isEmpty();
        }
        cluster.awaitLeaders(List.of(g), Duration.ofSeconds(15));
        cluster.propose(g, "two", Duration.ofSeconds(10));
        for (long id = 1; id <= 3; id++) {
            long node = id;
            Await.until(Duration.ofSeconds(10), () -> cluster.machine(node).values(g).equals(List.of("one", "two")),
                    () -> "node " + node + " applies both writes: " + cluster.describe(g));
        }
    }

    @Test
    void cleanRestartDoesNotRejoin() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(12, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(12L), Duration.ofSeconds(15));
        cluster.stop(3);
        cluster.start(3);
        assertThat(cluster.node(3).rejoiningGroups()).isEmpty();
        assertThat(cluster.status(3, 12).rejoining()).isFalse();
    }
}
