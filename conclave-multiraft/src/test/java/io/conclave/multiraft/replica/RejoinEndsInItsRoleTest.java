package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.message.ProposalForward;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rejoin after possible data loss ends in the role the membership gave the replica: a voter's as a
 * voter, a learner's as a learner. Every rejoin used to end with a promotion, and a node that only
 * learns a group (every node of a cluster but the controller's voters) became its fourth voter (the
 * simulator's metadata runs with more nodes than replicas). The first fix, "a learner right before its
 * own demotion stays a learner", kept a voter that had crashed mid-rejoin a learner: its previous
 * incarnation's demotion had made it one. These runs include that crash, and the case where the
 * demotion is known only from a snapshot (the log that held it compacted away). Stepped by hand.
 */
class RejoinEndsInItsRoleTest {

    private static final long GROUP = 31;
    private static final int STEPS_MAX = 3_000;

    private HandDrivenNodes nodes;

    @AfterEach
    void tearDown() throws IOException {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aLearnerWhoseDiskWasWipedEndsItsRejoinALearner() throws IOException {
        nodes = new HandDrivenNodes(4, GROUP, config(10_000), learnerFour());
        Replica one = nodes.electNodeOne();
        commit(one, "before");
        nodes.driveUntil(() -> nodes.replica(4).status().appliedIndex() >= one.status().commitIndex(),
                STEPS_MAX, 1, 1, 2, 3, 4);

        nodes.wipeAsNewIncarnation(4);
        Replica four = nodes.replica(4);
        assertThat(four.status().rejoining()).isTrue();
        nodes.driveUntil(() -> !four.status().rejoining(), STEPS_MAX, 1, 1, 2, 3, 4);

        assertThat(nodes.loop(4).stats().rejoinsDemoted()).as("it asked for its demotion first").isEqualTo(1);
        settle(1, 2, 3, 4);
        assertRoles(one, Set.of(1L, 2L, 3L), Set.of(4L));
        assertThat(four.status().confState().learners()).containsExactly(4L);
    }

    @Test
    void aLearnerThatCrashedMidRejoinStillEndsALearner() throws IOException {
        nodes = new HandDrivenNodes(4, GROUP, config(10_000), learnerFour());
        Replica one = nodes.electNodeOne();
        commit(one, "before");

        long demotion = wipeAndCutOffOnceTheDemotionIsAppended(4);
        nodes.driveUntil(() -> one.status().commitIndex() >= demotion, STEPS_MAX, 1, 1, 2, 3);
        assertThat(nodes.replica(4).rejoinPhase()).as("it never applied its demotion").isEqualTo(RejoinPhase.DEMOTING);

        nodes.crashAndRestartRejoining(4);
        nodes.net.faults().heal();
        Replica four = nodes.replica(4);
        nodes.driveUntil(() -> !four.status().rejoining(), STEPS_MAX, 1, 1, 2, 3, 4);

        settle(1, 2, 3, 4);
        assertRoles(one, Set.of(1L, 2L, 3L), Set.of(4L));
    }

    /** The case that refuted the first fix: before its own demotion it is a learner by its last life's. */
    @Test
    void aVoterThatCrashedMidRejoinEndsAVoter() throws IOException {
        nodes = new HandDrivenNodes(3, GROUP, config(10_000), null);
        Replica one = nodes.electNodeOne();
        commit(one, "before");

        long demotion = wipeAndCutOffOnceTheDemotionIsAppended(3);
        nodes.driveUntil(() -> one.status().commitIndex() >= demotion
                && one.status().confState().learners().contains(3L), STEPS_MAX, 1, 1, 2);
        assertThat(nodes.replica(3).rejoinPhase()).as("it never applied its demotion").isEqualTo(RejoinPhase.DEMOTING);

        nodes.crashAndRestartRejoining(3);
        nodes.net.faults().heal();
        Replica three = nodes.replica(3);
        nodes.driveUntil(() -> !three.status().rejoining(), STEPS_MAX, 1, 1, 2, 3);

        settle(1, 2, 3);
        assertRoles(one, Set.of(1L, 2L, 3L), Set.of());
        assertThat(nodes.loop(3).stats().rejoinsCompleted()).isEqualTo(1);
    }

    /**
     * The demotion of the last life is in no log any more: the leader compacted it behind a snapshot,
     * and the wiped node is sent that snapshot. Only the snapshot's frame still tells that a rejoin
     * demoted it, not the membership.
     */
    @Test
    void aVoterWhoseDemotionOnlyASnapshotStillHoldsEndsAVoter() throws IOException {
        nodes = new HandDrivenNodes(3, GROUP, config(4), null);
        Replica one = nodes.electNodeOne();
        commit(one, "before");

        long demotion = wipeAndCutOffOnceTheDemotionIsAppended(3);
        nodes.driveUntil(() -> one.status().confState().learners().contains(3L), STEPS_MAX, 1, 1, 2);
        for (int i = 0; i < 12; i++) {
            commit(one, "after-" + i, 1, 2);
        }
        nodes.driveUntil(() -> one.status().firstIndex() > demotion + 1, STEPS_MAX, 1, 1, 2);

        nodes.wipeAsNewIncarnation(3);
        nodes.net.faults().heal();
        Replica three = nodes.replica(3);
        nodes.driveUntil(() -> !three.status().rejoining(), STEPS_MAX, 1, 1, 2, 3);

        assertThat(three.status().snapshotIndex()).as("it was sent a snapshot past the demotion")
                .isGreaterThan(demotion);
        settle(1, 2, 3);
        assertRoles(one, Set.of(1L, 2L, 3L), Set.of());
    }

    /**
     * A rejoin retries its demotion; a retry that arrives late, after that rejoin's promotion (here proposed
     * at the leader directly), demotes the voter again when no rejoin is under way. The replica, not
     * rejoining and a learner that a rejoin demoted, asks to be a voter again.
     */
    @Test
    void aVoterDemotedByALateRetryOfItsFinishedRejoinIsAVoterAgain() throws IOException {
        nodes = new HandDrivenNodes(3, GROUP, config(10_000), null);
        Replica one = nodes.electNodeOne();
        commit(one, "before");

        CompletableFuture<Long> late = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> one.changeMembership(RejoinRequests.demote(3, 1), late));
        nodes.driveUntil(late::isDone, STEPS_MAX, 1, 1, 2);
        assertThat(one.status().confState().learners()).containsExactly(3L);
        assertThat(nodes.replica(3).status().rejoining()).isFalse();

        nodes.driveUntil(() -> one.status().confState().voters().contains(3L), STEPS_MAX, 1, 1, 2, 3);
        settle(1, 2, 3);
        assertRoles(one, Set.of(1L, 2L, 3L), Set.of());
    }

    /**
     * The other late retry: a rejoin's promotion reaching the leader after the membership (placement, an
     * operator) made the node a learner. The leader drops it ({@code RejoinRequests.withoutStalePromotions}):
     * the node stays the learner the membership made it. It used to be appended and override that choice.
     */
    @Test
    void aLateRetryOfARejoinsPromotionDoesNotOverrideTheMembershipsChoice() throws IOException {
        nodes = new HandDrivenNodes(3, GROUP, config(10_000), null);
        Replica one = nodes.electNodeOne();
        commit(one, "before");
        nodes.wipeAsNewIncarnation(3);
        Replica three = nodes.replica(3);
        nodes.driveUntil(() -> !three.status().rejoining(), STEPS_MAX, 1, 1, 2, 3);
        assertThat(one.status().confState().voters()).as("its rejoin ended a voter").contains(3L);

        CompletableFuture<Long> placement = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> one.changeMembership(ConfChange.addLearner(3), placement));
        nodes.driveUntil(() -> placement.isDone() && three.status().confState().learners().contains(3L),
                STEPS_MAX, 1, 1, 2, 3);
        long droppedBefore = nodes.loop(1).stats().stalePromotionsDropped();

        // What node 3's core forwarded while it asked to be promoted, delayed in the network until now.
        byte[] promotion = RejoinRequests.promote(3, three.status().incarnation()).encode();
        nodes.loop(1).offerMessage(GROUP, new ProposalForward(3, 1, 0,
                List.of(new Entry(0, 0, EntryType.CONF_CHANGE, promotion))));
        settle(1, 2, 3);

        assertRoles(one, Set.of(1L, 2L), Set.of(3L));
        assertThat(three.status().confState().learners()).containsExactly(3L);
        assertThat(three.status().rejoining()).isFalse();
        assertThat(nodes.loop(1).stats().stalePromotionsDropped() - droppedBefore).isEqualTo(1);
    }

    /**
     * Wipes node {@code id} (a new incarnation, rejoining) and steps everyone until the leader has
     * appended its demotion; then cuts the node off (it hears nothing more, so it cannot apply it).
     * Returns the index the demotion was appended at.
     */
    private long wipeAndCutOffOnceTheDemotionIsAppended(int id) throws IOException {
        Replica one = nodes.replica(1);
        long last = one.status().lastIndex();
        nodes.wipeAsNewIncarnation(id);
        int[] all = id == 4 ? new int[] {1, 2, 3, 4} : new int[] {1, 2, 3};
        nodes.driveUntil(() -> one.status().lastIndex() > last, STEPS_MAX, 1, all);
        nodes.net.faults().isolate(id);
        return one.status().lastIndex();
    }

    private void commit(Replica leader, String value, int... stepped) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        nodes.loop(1).offerTask(() -> leader.propose(value.getBytes(StandardCharsets.UTF_8), f));
        int[] on = stepped.length > 0 ? stepped : new int[] {1, 2, 3};
        nodes.driveUntil(f::isDone, STEPS_MAX, 1, on);
        assertThat(f).isCompleted();
    }

    /** Steps a while longer, so that a promotion still in flight would have taken effect. */
    private void settle(int... stepped) {
        for (int i = 0; i < 200; i++) {
            nodes.clock.advanceMs(1);
            nodes.step(stepped);
        }
    }

    private static void assertRoles(Replica leader, Set<Long> voters, Set<Long> learners) {
        ConfState cs = leader.status().confState();
        assertThat(leader.status().isLeader()).isTrue();
        assertThat(cs.voters()).containsExactlyInAnyOrderElementsOf(voters);
        assertThat(cs.learners()).containsExactlyInAnyOrderElementsOf(learners);
    }

    private static ConfState learnerFour() {
        return new ConfState(Set.of(1L, 2L, 3L), Set.of(4L), Set.of(), Set.of(), false);
    }

    private static RuntimeConfig config(long snapshotEntries) {
        return TestCluster.fastConfig().loopCount(1).quiesceIdleTicks(0).snapshotEntries(snapshotEntries)
                .compactKeepEntries(0).build();
    }
}
