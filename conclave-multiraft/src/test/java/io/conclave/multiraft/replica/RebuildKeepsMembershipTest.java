package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica whose write fails (a full disk) rebuilds its Raft core from what storage holds, resuming
 * at the index it has already handed to its applier. The entries up to there are not delivered again,
 * so the membership changes among them must not be lost: the rebuilt core must start from the
 * membership applied last, not from its snapshot's. Found by the simulator (a partition move with
 * buggified short WAL writes: replicas of one group ended with three different memberships at the
 * same applied index). Stepped by hand.
 */
class RebuildKeepsMembershipTest {

    private static final long GROUP = 7;

    private HandDrivenNodes nodes;

    @BeforeEach
    void setUp() throws IOException {
        nodes = HandDrivenNodes.threeAwake(GROUP);
    }

    @AfterEach
    void tearDown() throws IOException {
        nodes.close();
    }

    private static List<CompletableFuture<Long>> onLoop(HandDrivenNodes nodes, Replica leader, int count,
                                                        ConfChange change) {
        List<CompletableFuture<Long>> out = new ArrayList<>();
        nodes.loop((int) leader.nodeId()).offerTask(() -> {
            if (change != null) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                leader.changeMembership(change, f);
                out.add(f);
            }
            for (int i = 0; i < count; i++) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                leader.propose(("v" + i).getBytes(), f);
                out.add(f);
            }
        });
        return out;
    }

    @Test
    void aReplicaRebuiltAfterAFailedWriteKeepsTheMembershipItHadApplied() {
        Replica one = nodes.electNodeOne();
        Replica two = nodes.replica(2);
        List<CompletableFuture<Long>> removal = onLoop(nodes, one, 0, ConfChange.remove(3));
        nodes.driveUntil(() -> removal.size() == 1 && removal.get(0).isDone()
                && two.status().appliedIndex() >= removal.get(0).join(), 500, 1, 1, 2, 3);
        assertThat(two.raft().confState().voters()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(two.status().snapshotIndex()).as("no snapshot holds the removal").isZero();

        nodes.disk(2).setCapacityBytes(nodes.disk(2).usedBytes() + 64);
        onLoop(nodes, one, 5, null);
        nodes.driveUntil(() -> nodes.loop(2).stats().persistFailures() > 0, 500, 1, 1, 2);
        assertThat(two.raft().confState().voters()).as("membership after the rebuild")
                .containsExactlyInAnyOrder(1L, 2L);

        nodes.disk(2).setCapacityBytes(Long.MAX_VALUE);
        List<CompletableFuture<Long>> more = onLoop(nodes, one, 3, null);
        nodes.driveUntil(() -> more.size() == 3 && more.stream().allMatch(CompletableFuture::isDone)
                && two.status().appliedIndex() >= one.status().commitIndex(), 2_000, 1, 1, 2);
        assertThat(two.raft().confState().voters()).isEqualTo(Set.of(1L, 2L));
        assertThat(one.raft().confState().voters()).isEqualTo(Set.of(1L, 2L));
    }
}
