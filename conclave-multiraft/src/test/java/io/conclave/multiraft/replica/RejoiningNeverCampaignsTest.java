package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.TestCluster;
import io.conclave.raft.StateRole;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A replica that may have lost acknowledged data (here a wiped disk) must never lead before it is a
 * voter again by its leader's grace: its votes are held back, and it must not elect itself either.
 * The simulator found a sole replica (replication factor 1) that came back empty re-electing itself
 * through the core's own election timeout and reusing the partition's offsets (seeds 1 and 297 of the
 * metadata workload with the node's reconciler). Stepped by hand.
 */
class RejoiningNeverCampaignsTest {

    @Test
    void aSoleReplicaThatLostItsDiskNeverElectsItself() throws IOException {
        try (HandDrivenNodes nodes = new HandDrivenNodes(1, 21,
                TestCluster.fastConfig().loopCount(1).quiesceIdleTicks(0).build())) {
            nodes.electNodeOne();
            nodes.wipe(1);
            Replica again = nodes.replica(1);
            assertThat(again.status().rejoining()).isTrue();

            for (int i = 0; i < 2_000; i++) { // many election timeouts
                nodes.clock.advanceMs(1);
                nodes.step(1);
                assertThat(again.status().role()).isNotEqualTo(StateRole.LEADER);
            }
            assertThat(again.status().term()).as("no campaign raised the term").isZero();
        }
    }

    @Test
    void aRejoiningReplicaTakesNoLeadershipHandedToIt() throws IOException {
        try (HandDrivenNodes nodes = HandDrivenNodes.threeAwake(22)) {
            Replica one = nodes.electNodeOne();
            nodes.driveUntil(() -> one.status().commitIndex() > 0, 200, 1, 1, 2, 3);
            nodes.wipe(3);
            Replica three = nodes.replica(3);
            long term = one.status().term();

            nodes.loop(1).offerTask(() -> one.transferLeadership(3));
            for (int i = 0; i < 300; i++) {
                nodes.clock.advanceMs(1);
                nodes.step(1, 2, 3);
                assertThat(three.status().role()).isNotEqualTo(StateRole.LEADER);
            }
            assertThat(three.status().term()).isLessThanOrEqualTo(term);
        }
    }
}
