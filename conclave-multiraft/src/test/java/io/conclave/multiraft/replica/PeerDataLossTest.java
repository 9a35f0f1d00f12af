package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A follower that comes back with less than it acknowledged (a wiped disk), with nothing from
 * liveness to say it restarted: the leader must notice from the follower's own rejections, which the
 * Raft core drops as stale (they hint below the follower's recorded match). Stepped by hand.
 */
class PeerDataLossTest {

    private static final long GROUP = 5;

    private HandDrivenNodes nodes;

    @BeforeEach
    void setUp() throws IOException {
        nodes = HandDrivenNodes.threeAwake(GROUP);
    }

    @AfterEach
    void tearDown() throws IOException {
        nodes.close();
    }

    /**
     * Node 1 leads and replicates ten entries to both followers; node 3 is wiped and restarts empty
     * under the same id and incarnation. Without a repair the leader keeps node 3's old match index
     * and ignores its rejections for good; with it, node 3 gets the log again, rejoins (demoted to
     * learner, promoted back) and applies everything.
     */
    @Test
    void aLeaderRepairsAFollowerThatCameBackEmptyWithoutBeingToldItRestarted() throws IOException {
        Replica one = nodes.electNodeOne();
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        nodes.loop(1).offerTask(() -> {
            for (int i = 0; i < 10; i++) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                one.propose(("v" + i).getBytes(), f);
                writes.add(f);
            }
        });
        nodes.driveUntil(() -> writes.size() == 10 && writes.stream().allMatch(CompletableFuture::isDone)
                && nodes.replica(3).status().appliedIndex() == one.status().commitIndex(), 500, 1, 1, 2, 3);
        long committed = one.status().commitIndex();
        assertThat(committed).isGreaterThanOrEqualTo(11);
        assertThat(one.raft().status().progress().get(3L).match()).isEqualTo(committed);

        nodes.wipe(3);
        assertThat(nodes.replica(3).status().lastIndex()).isZero();

        nodes.driveUntil(() -> {
            GroupStatus s = nodes.replica(3).status();
            return s.appliedIndex() >= committed && !s.rejoining();
        }, 3_000, 1, 1, 2, 3);
        assertThat(one.status().isLeader()).isTrue();
        assertThat(one.raft().confState().voters()).containsExactlyInAnyOrder(1L, 2L, 3L);
    }
}
