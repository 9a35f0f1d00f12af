package io.conclave.raft.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import io.conclave.raft.property.SafetyViolation.Invariant;
import io.conclave.raft.property.SimCluster.Member;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Raft's Figure 8 played step by step on {@link SimCluster}: with the planted bug that commits an
 * earlier term's entry by counting replicas, the checkers see a committed entry missing from a
 * later leader; without it, the same script is safe. (Random schedules reach this interleaving too
 * rarely to prove the checker in a bounded run.)
 */
class FigureEightTest {

    private static RaftConfig config(long id) {
        // One entry per append, so that a follower can hold an old entry without the new term's no-op.
        return RaftConfig.builder(id).preVote(false).checkQuorum(false).maxMessageBytes(1).build();
    }

    @Test
    void committingAnEarlierTermsEntryByCountingLosesItToALaterLeader() {
        assertThatThrownBy(() -> play(Set.of(PlantedBug.COMMIT_PREVIOUS_TERM_BY_COUNTING)))
                .isInstanceOfSatisfying(SafetyViolation.class,
                        v -> assertThat(v.invariant).isEqualTo(Invariant.LEADER_COMPLETENESS));
    }

    @Test
    void theSameInterleavingIsSafeWithoutTheBug() {
        SimCluster c = play(Set.of());
        // S1 could only commit x with its own no-op, which S3 then holds: S5 cannot win any more.
        assertThat(c.member(3).storage.lastIndex()).isEqualTo(3);
        Member s5 = c.member(5);
        for (int attempt = 0; attempt < 5; attempt++) {
            s5.node.campaign();
            c.deliverWhile(msg -> msg instanceof RequestVote || msg instanceof VoteResponse, () -> false);
        }
        assertThat(s5.node.isLeader()).isFalse();
    }

    private static SimCluster play(Set<PlantedBug> bugs) {
        SimCluster c = new SimCluster(5, 8, FigureEightTest::config, bugs);
        Member s1 = c.member(1);
        Member s5 = c.member(5);
        s1.node.campaign();
        c.stabilize();
        assertThat(s1.node.isLeader()).isTrue();
        // S1 appends x, which reaches S2 only.
        s1.node.propose("x".getBytes(StandardCharsets.UTF_8));
        c.deliverWhile(m -> m.to() <= 2 && m.from() <= 2, () -> false);
        c.dropAll();
        // S1 crashes; S5 wins the next term with S3 and S4, appends its no-op, and crashes at once.
        c.crash(s1);
        electAlone(c, s5);
        c.handleReady(s5);
        c.crash(s5);
        c.dropAll();
        // S1 comes back and wins a later term with S2, S3 (S5 is down); it replicates x to S3 only,
        // one entry per message, and stops as soon as it counts x as committed.
        c.restart(s1);
        electAlone(c, s1);
        long xIndex = 2;
        c.deliverWhile(m -> m.to() != 4, () -> s1.node.commitIndex() >= xIndex);
        c.crash(s1);
        c.dropAll();
        // S5 comes back. With the bug, its last term beats S3's and S4's, so it wins without x.
        c.restart(s5);
        if (!bugs.isEmpty()) {
            electAlone(c, s5);
        }
        return c;
    }

    /** Campaigns until {@code m} is leader, delivering only vote traffic (bounded). */
    private static void electAlone(SimCluster c, Member m) {
        for (int attempt = 0; attempt < 5 && !m.node.isLeader(); attempt++) {
            m.node.campaign();
            c.deliverWhile(msg -> msg instanceof RequestVote || msg instanceof VoteResponse, () -> false);
        }
        assertThat(m.node.isLeader()).as("node %d elected", m.id).isTrue();
    }
}
