package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.storage.disk.SimDisk;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftRuntime#createRejoiningGroup}: the server re-creates a replica its node lost with a replaced
 * disk (it learns which from the cluster's metadata, long after the runtime started, so the start's
 * lost-groups path cannot take it). The replica must not vote until it holds what the group committed,
 * and the mark must be on the disk before the group is: a restart before it caught up still rejoins.
 */
class RejoiningGroupCreateTest {

    private static final long GROUP = 5;
    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);
    private static final Duration BOUND = Duration.ofSeconds(30);

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaCreatedRejoiningStaysRejoiningAcrossARestartUntilItHasCaughtUp() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(GROUP, VOTERS);
        cluster.awaitLeaders(List.of(GROUP), BOUND);
        cluster.propose(GROUP, "a", BOUND);
        cluster.propose(GROUP, "b", BOUND);

        cluster.stop(1);
        cluster.stop(2);
        cluster.stop(3);
        cluster.replaceDisk(3, new SimDisk(3));
        RaftRuntime replaced = cluster.start(3);
        TestCluster.get(replaced.createRejoiningGroup(GROUP, VOTERS));
        assertThat(replaced.rejoiningGroups()).containsExactly(GROUP);
        assertThat(cluster.status(3, GROUP).rejoining()).isTrue();

        cluster.stop(3);
        RaftRuntime restarted = cluster.start(3);
        assertThat(restarted.rejoiningGroups()).as("the mark survived the restart").containsExactly(GROUP);
        assertThat(cluster.status(3, GROUP).rejoining()).isTrue();

        cluster.start(1);
        cluster.start(2);
        Await.until(BOUND, () -> restarted.rejoiningGroups().isEmpty(),
                () -> "node 3 finished rejoining: " + cluster.describe(GROUP));
        Await.until(BOUND, () -> cluster.machine(3).values(GROUP).equals(List.of("a", "b")),
                () -> "node 3 applied the group's values: " + cluster.machine(3).values(GROUP));
    }
}
