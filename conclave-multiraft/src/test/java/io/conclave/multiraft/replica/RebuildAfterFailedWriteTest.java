package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write that fails (a full disk) makes the replica rebuild its Raft core from what storage holds.
 * The core starts from the membership of the storage's snapshot, and the entries it had applied are
 * not handed to it again, so the membership changes applied since the snapshot must be re-applied to
 * it; the rebuilt core kept the snapshot's membership before (the simulator's seed 48 of
 * {@code --runtime --workload metadata --groups 2}: a replica removed and added back, then rebuilt,
 * counted itself out of the group for good). Stepped by hand.
 */
class RebuildAfterFailedWriteTest {

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

    @Test
    void aCoreRebuiltAfterAFailedWriteKeepsTheMembershipChangesAppliedSinceTheSnapshot() {
        Replica one = nodes.electNodeOne();
        Replica two = nodes.replica(2);
        CompletableFuture<Long> change = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> one.changeMembership(ConfChange.addLearner(4), change));
        nodes.driveUntil(() -> change.isDone() && two.raft().confState().learners().contains(4L), 500, 1, 1, 2, 3);
        assertThat(two.status().snapshotIndex()).as("no snapshot since the change").isLessThan(change.join());

        SimDisk disk = nodes.disk(2);
        disk.setCapacityBytes(disk.usedBytes() + 64);
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        nodes.loop(1).offerTask(() -> {
            for (int i = 0; i < 8; i++) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                one.propose(new byte[4096], f);
                writes.add(f);
            }
        });
        nodes.driveUntil(() -> nodes.loop(2).stats().persistFailures() > 0, 500, 1, 1, 2, 3);
        disk.setCapacityBytes(Long.MAX_VALUE);
        nodes.driveUntil(() -> writes.size() == 8 && writes.stream().allMatch(CompletableFuture::isDone)
                && two.status().appliedIndex() == one.status().commitIndex(), 3_000, 1, 1, 2, 3);

        assertThat(two.raft().confState()).isEqualTo(one.raft().confState());
        assertThat(two.raft().confState().learners()).containsExactly(4L);
    }
}
