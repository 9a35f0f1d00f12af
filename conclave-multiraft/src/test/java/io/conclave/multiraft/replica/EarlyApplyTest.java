package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Committed entries that are already durable here are applied as soon as the Ready carrying them is
 * taken, not after that Ready's own write: under load the leader's next write is almost always in
 * flight when a commit arrives, and a write acknowledged at commit must not wait for the next one's
 * fsync. Stepped by hand: each node's loop, storage and applier separately.
 */
class EarlyApplyTest {

    private static final long GROUP = 11;

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
    void aCommittedWriteIsAnsweredWhileTheNextWriteIsStillBeingPersisted() {
        Replica one = nodes.electNodeOne();
        settle(one);

        CompletableFuture<Long> first = propose(one, "first");
        nodes.stepLoop(1); // takes the Ready with "first", sends it, queues its write
        nodes.step(2, 3); // the followers persist it and answer
        nodes.stepStorage(1); // the leader's own write of "first" is durable

        CompletableFuture<Long> second = propose(one, "second");
        // One loop step: "first" is persisted and acknowledged by a majority, so committed, and the
        // next Ready carries its commit together with "second", whose write is queued, not yet durable.
        nodes.stepLoop(1);
        nodes.stepApplier(1);

        assertThat(first).as("answered without waiting for the write of the next entry").isCompletedWithValue(
                one.status().commitIndex());
        assertThat(second).isNotDone();

        nodes.driveUntil(second::isDone, 100, 1, 1, 2, 3);
        assertThat(second.join()).isEqualTo(first.join() + 1);
        nodes.driveUntil(() -> nodes.replica(2).status().appliedIndex() == second.join()
                && nodes.replica(3).status().appliedIndex() == second.join(), 200, 1, 1, 2, 3);
    }

    @Test
    void aFollowerAppliesWhatItHadPersistedBeforeItsCurrentWriteEnds() {
        Replica one = nodes.electNodeOne();
        settle(one);
        long before = one.status().commitIndex();

        propose(one, "first");
        nodes.stepLoop(1);
        nodes.stepStorage(1);
        nodes.step(2, 3); // both followers persist "first" and answer
        nodes.stepLoop(1); // the leader commits it and sends the new commit index
        long first = one.status().commitIndex();
        assertThat(first).isEqualTo(before + 1);

        // Node 2 takes the new commit index and "second" in one Ready: "first", persisted by an earlier
        // Ready, is applied while the write of "second" is still queued.
        propose(one, "second");
        nodes.stepLoop(1);
        nodes.stepLoop(2);
        nodes.stepApplier(2);
        nodes.stepLoop(2); // hears that it was applied
        assertThat(nodes.replica(2).status().lastIndex()).isEqualTo(first + 1);
        assertThat(nodes.replica(2).status().appliedIndex()).isEqualTo(first);

        nodes.driveUntil(() -> nodes.replica(2).status().appliedIndex() == first + 1, 100, 1, 1, 2, 3);
    }

    /** Until the leader's first entry of its term is applied everywhere. */
    private void settle(Replica leader) {
        nodes.driveUntil(() -> leader.status().commitIndex() > 0
                && nodes.replica(1).status().appliedIndex() == leader.status().commitIndex()
                && nodes.replica(2).status().appliedIndex() == leader.status().commitIndex()
                && nodes.replica(3).status().appliedIndex() == leader.status().commitIndex(), 200, 1, 1, 2, 3);
    }

    private CompletableFuture<Long> propose(Replica leader, String value) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> leader.propose(value.getBytes(StandardCharsets.UTF_8), f));
        return f;
    }
}
