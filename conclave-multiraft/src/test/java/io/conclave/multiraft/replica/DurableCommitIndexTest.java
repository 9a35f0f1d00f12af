package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's status tells the commit index its storage confirmed durable, which may lag the commit
 * index it acts on (a hard state whose only news is the commit is held, then written unwaited), and
 * the index its membership took effect at. A removed replica is destroyed only once its leader's
 * durable commit covers the removal, so that number must never run ahead of the disk. Stepped by
 * hand: each node's loop and storage separately.
 */
class DurableCommitIndexTest {

    private static final long GROUP = 12;
    /** More than one tick of {@code TestCluster.fastConfig()} (10 ms), far less than an election timeout. */
    private static final long PAST_ONE_TICK_MS = 15;

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
    void theDurableCommitMovesOnlyOnceTheStorageConfirmsTheHardStateCarryingIt() {
        Replica one = nodes.electNodeOne();
        nodes.driveUntil(() -> one.status().commitIndex() > 0
                && one.status().durableCommitIndex() == one.status().commitIndex(), 200, 1, 1, 2, 3);
        long before = one.status().commitIndex();

        propose(one, "x");
        nodes.stepLoop(1); // sends "x", queues its write
        nodes.step(2, 3); // the followers persist it and answer
        nodes.stepStorage(1); // the leader's own write of "x" is durable: its commit carried `before`
        for (int i = 0; i < 10 && one.status().commitIndex() == before; i++) {
            nodes.stepLoop(1);
        }
        assertThat(one.status().commitIndex()).isEqualTo(before + 1);
        assertThat(one.status().durableCommitIndex())
                .as("the new commit is held, not written yet").isEqualTo(before);

        nodes.clock.advanceMs(PAST_ONE_TICK_MS);
        nodes.stepLoop(1); // the held commit is written alone, unwaited
        nodes.stepLoop(1);
        assertThat(one.status().durableCommitIndex())
                .as("written, but the storage has not confirmed it").isEqualTo(before);

        nodes.stepStorage(1);
        nodes.stepLoop(1); // the confirmation hops back to the loop
        assertThat(one.status().durableCommitIndex()).isEqualTo(before + 1);
    }

    @Test
    void theMembershipIndexIsWhereTheLastAppliedChangeTookEffect() {
        Replica one = nodes.electNodeOne();
        assertThat(one.status().membershipIndex()).as("the genesis membership, at 0").isZero();

        CompletableFuture<Long> removed = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> one.changeMembership(ConfChange.remove(3), removed));
        nodes.driveUntil(removed::isDone, 200, 1, 1, 2, 3);

        GroupStatus s = one.status();
        assertThat(s.confState().voters()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(s.membershipIndex()).isEqualTo(removed.join());
        nodes.driveUntil(() -> one.status().durableCommitIndex() >= removed.join(), 200, 1, 1, 2);
    }

    private CompletableFuture<Long> propose(Replica leader, String value) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> leader.propose(value.getBytes(StandardCharsets.UTF_8), f));
        return f;
    }
}
