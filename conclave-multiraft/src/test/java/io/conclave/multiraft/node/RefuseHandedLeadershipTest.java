package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping node hands its leaderships away and refuses any handed to it: a peer's preferred-leader
 * hand-off gave them back within the stopping node's bound (the rolling-restart test saw "handed off
 * 0 of 2").
 */
class RefuseHandedLeadershipTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeThatRefusesHandedLeadershipIgnoresATransferToItAndTheLeaderCarriesOn() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build());
        Set.of(1L, 2L, 3L).forEach(cluster::start);
        cluster.createGroup(1, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(Set.of(1L), Duration.ofSeconds(20));
        cluster.propose(1, "first", Duration.ofSeconds(10));
        long leader = cluster.leaderOf(1);
        long refusing = leader == 2 ? 3 : 2;
        long term = cluster.status(leader, 1).term();

        cluster.node(refusing).refuseHandedLeadership();
        cluster.node(leader).transferLeadership(1, refusing);

        // The transfer lapses after an election timeout and the leader takes proposals again; had the
        // refusing node taken it, it would lead a later term and the old leader would answer NOT_LEADER.
        Await.until(Duration.ofSeconds(20), () -> proposes(leader), () -> "node " + leader + " takes proposals again");
        GroupStatus s = cluster.status(refusing, 1);
        assertThat(s.leader()).isEqualTo(leader);
        assertThat(s.term()).isEqualTo(term);

        long other = 6 - leader - refusing;
        cluster.node(leader).transferLeadership(1, other);
        Await.until(Duration.ofSeconds(20), () -> cluster.leaderOf(1) == other, () -> "node " + other + " leads");
    }

    private boolean proposes(long node) {
        try {
            cluster.node(node).propose(1, "again".getBytes(StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
