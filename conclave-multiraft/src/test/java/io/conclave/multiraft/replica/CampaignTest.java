package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.TestCluster;
import io.conclave.raft.StateRole;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover campaigns of the two survivors of a group of three, stepped by hand on the test thread
 * with a manual clock (three loops, three storage engines, a loopback network): who campaigns, and
 * that one election round is enough.
 */
class CampaignTest {

    private static final long GROUP = 7;

    private HandDrivenNodes nodes;
    private final Replica[] replicas = new Replica[4];

    @BeforeEach
    void setUp() throws IOException {
        // Rank delay 0 and no jitter: both survivors campaign in the same millisecond, the worst case.
        nodes = new HandDrivenNodes(3, GROUP, TestCluster.fastConfig().loopCount(1).failoverRankDelayNs(0)
                .failoverJitterNs(1).build());
        for (int n = 1; n <= 3; n++) {
            replicas[n] = nodes.replica(n);
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        nodes.close();
    }

    private void step(int... ids) {
        nodes.step(ids);
    }

    private void driveUntil(BooleanSupplier done, int stepsMax, int... ids) {
        nodes.driveUntil(done, stepsMax, 1, ids);
    }

    /** Node 1 leads, every replica has its no-op and one entry, then node 1 dies (its endpoint closes). */
    private long electNodeOneThenKillIt() {
        replicas[1].scheduleCampaign(0, 1_000_000L);
        driveUntil(() -> replicas[1].status().isLeader(), 50, 1, 2, 3);
        CompletableFuture<Long> f = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> replicas[1].propose("x".getBytes(), f));
        driveUntil(() -> f.isDone() && replicas[2].status().commitIndex() == 2
                && replicas[3].status().commitIndex() == 2, 50, 1, 2, 3);
        nodes.net.endpoint(1).close();
        return replicas[1].status().term();
    }

    private long leaderAmongSurvivors() {
        for (int n = 2; n <= 3; n++) {
            if (replicas[n].status().isLeader()) {
                return n;
            }
        }
        return 0;
    }

    @Test
    void survivorsSuspectingTogetherElectTheLowerIdInOneRound() {
        long term = electNodeOneThenKillIt();
        replicas[2].onPeerSuspected(1);
        replicas[3].onPeerSuspected(1);
        // Their campaigns start in the same instant, before either has heard the other (nothing
        // orders two machines' loops): both are pre-candidates when their pre-votes cross.
        assertThat(replicas[2].campaignNow(nodes.clock.nowNs())).isTrue();
        assertThat(replicas[3].campaignNow(nodes.clock.nowNs())).isTrue();
        driveUntil(() -> leaderAmongSurvivors() != 0, 200, 2, 3);

        // Two pre-candidates at once would grant each other's pre-votes, both stand in term + 1,
        // refuse each other, and one of them win only in a later term. Node 3 yields instead.
        assertThat(leaderAmongSurvivors()).isEqualTo(2);
        assertThat(replicas[2].status().term()).isEqualTo(term + 1);
    }

    @Test
    void voteRequestRefusedByTheLeaseIsAnsweredOnceTheLeaderIsForgotten() {
        long term = electNodeOneThenKillIt();
        replicas[2].onPeerSuspected(1); // node 2 sees the crash first and asks node 3 for a pre-vote,
        for (int i = 0; i < 5; i++) { //   which node 3, still following node 1, refuses silently
            nodes.clock.advanceMs(1);
            step(2, 3);
        }
        assertThat(replicas[2].status().role()).isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(leaderAmongSurvivors()).isZero();
        replicas[3].onPeerSuspected(1);
        // Well before node 2's first retry (at least half of campaignRetryNs = 30 ms): node 3 answers
        // the request it had left unanswered.
        driveUntil(() -> leaderAmongSurvivors() != 0, 20, 2, 3);
        assertThat(leaderAmongSurvivors()).isEqualTo(2);
        assertThat(replicas[2].status().term()).isEqualTo(term + 1);
    }
}
