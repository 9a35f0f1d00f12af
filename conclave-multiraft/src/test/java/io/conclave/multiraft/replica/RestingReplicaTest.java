package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.multiraft.support.TestCluster;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a replica of a resting group still owes its clients, stepped by hand with a manual clock. */
class RestingReplicaTest {

    private static final long GROUP = 9;

    private HandDrivenNodes nodes;

    @BeforeEach
    void setUp() throws IOException {
        nodes = new HandDrivenNodes(3, GROUP, TestCluster.fastConfig().loopCount(1).quiesceIdleTicks(5)
                .requestTimeoutNs(1_000_000_000L).build());
    }

    @AfterEach
    void tearDown() throws IOException {
        nodes.close();
    }

    private static Throwable failure(CompletableFuture<Long> f) {
        return f.handle((v, e) -> e).join();
    }

    /**
     * Node 1 leads, takes two proposals while cut off from the others, and is deposed: node 2's
     * no-op overwrites the first (which fails: its term is gone), and nothing the new leader writes
     * reaches the second's index while the group is idle. The group then rests, node 1 included. Its
     * second proposal has nobody to answer it but its own timeout, which is swept on ticks: a
     * resting replica with requests waiting must keep ticking.
     */
    @Test
    void deposedLeadersProposalTimesOutWhileTheGroupRests() {
        Replica one = nodes.replica(1);
        one.scheduleCampaign(0, 1_000_000L);
        nodes.driveUntil(() -> one.status().isLeader() && nodes.replica(2).status().commitIndex() == 1
                && nodes.replica(3).status().commitIndex() == 1, 100, 1, 1, 2, 3);

        nodes.net.faults().partition(Set.of(1L), Set.of(2L, 3L));
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> {
            one.propose("a".getBytes(), first);
            one.propose("b".getBytes(), second);
        });
        nodes.step(1);
        assertThat(one.status().lastIndex()).isEqualTo(3);

        nodes.replica(2).onPeerSuspected(1);
        nodes.replica(3).onPeerSuspected(1);
        nodes.driveUntil(() -> nodes.replica(2).status().isLeader(), 200, 1, 2, 3);
        nodes.net.faults().heal();
        nodes.driveUntil(() -> one.status().leader() == 2 && one.status().quiesced(), 500, 10, 1, 2, 3);
        assertThat(failure(first)).isInstanceOf(NotLeaderException.class);
        assertThat(second).isNotDone();

        nodes.driveUntil(second::isDone, 200, 10, 1, 2, 3); // request timeout 1 s
        assertThat(failure(second)).isInstanceOf(RequestFailedException.class);
        assertThat(((RequestFailedException) failure(second)).reason())
                .isEqualTo(RequestFailedException.Reason.TIMEOUT);
        assertThat(one.status().quiesced()).isTrue();
    }
}
