package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.node.RequestFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proposals near the size bounds of storage: many large ones taken into one Ready (more than one WAL
 * record holds) commit everywhere; one larger than any record can hold is refused at the door
 * instead of stopping the loop at persist. Stepped by hand, default storage bounds (16 MiB records).
 */
class LargeProposalsTest {

    private static final long GROUP = 9;

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
    void aReadyOfMoreEntryBytesThanOneWalRecordHoldsCommitsOnEveryReplica() {
        Replica one = nodes.electNodeOne();
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        // 450 entries of 40 KiB (the test state machine snapshots values as short strings): 18 MB in
        // one Ready of the leader, over the 16 MiB a WAL record holds.
        byte[] value = "a".repeat(40 << 10).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        nodes.loop(1).offerTask(() -> {
            for (int i = 0; i < 450; i++) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                one.propose(value, f);
                writes.add(f);
            }
        });
        nodes.driveUntil(() -> writes.size() == 450 && writes.stream().allMatch(CompletableFuture::isDone)
                && nodes.replica(2).status().appliedIndex() == one.status().commitIndex()
                && nodes.replica(3).status().appliedIndex() == one.status().commitIndex(), 2_000, 1, 1, 2, 3);

        assertThat(writes).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThat(one.isBroken()).isFalse();
        assertThat(one.status().commitIndex()).isGreaterThanOrEqualTo(451);
    }

    @Test
    void aProposalNoEntryCanHoldIsRefusedAsInvalidAndTheGroupGoesOn() throws Exception {
        Replica one = nodes.electNodeOne();
        CompletableFuture<Long> huge = new CompletableFuture<>();
        CompletableFuture<Long> after = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> {
            one.propose(new byte[17 << 20], huge);
            one.propose("small".getBytes(), after);
        });
        nodes.driveUntil(() -> huge.isDone() && after.isDone(), 500, 1, 1, 2, 3);

        assertThat(huge).isCompletedExceptionally();
        try {
            huge.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RequestFailedException.class).hasMessageContaining("INVALID");
            assertThat(((RequestFailedException) e.getCause()).reason()).isEqualTo(RequestFailedException.Reason.INVALID);
        }
        assertThat(after.get()).isPositive();
    }
}
