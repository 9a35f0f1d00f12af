package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.PartitionState;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.StateRole;
import io.conclave.server.node.MembershipReconciler.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The membership decision the node and the simulator share: one step per pass, in the documented order. */
class MembershipDecisionTest {

    private static final long SELF = 1;
    private long nowNs = 1_000;
    private final MembershipReconciler.StableLeaders stable = new MembershipReconciler.StableLeaders(3_000, () -> nowNs);

    private static PartitionInfo partition(List<Long> replicas) {
        return new PartitionInfo(7, 0, 42, 0, -1, replicas, PartitionState.ACTIVE, 2, List.of(1L, 2L, 3L));
    }

    /** Node 1 leads term 5 at commit {@code commit}; {@code match} per peer (learners as given). */
    private static RaftStatus status(long commit, Set<Long> voters, Set<Long> learners, Map<Long, Long> match) {
        Map<Long, RaftStatus.PeerProgress> progress = new LinkedHashMap<>();
        match.forEach((n, m) -> progress.put(n, new RaftStatus.PeerProgress(m, m + 1, "REPLICATE", true,
                learners.contains(n))));
        return new RaftStatus(SELF, 5, SELF, commit, commit, commit, StateRole.LEADER, SELF, 0,
                new ConfState(voters, learners, Set.of(), Set.of(), false), progress);
    }

    @Test
    void aMissingReplicaIsAddedAsALearnerBeforeAnythingElse() {
        RaftStatus st = status(10, Set.of(1L, 2L, 9L), Set.of(), Map.of(1L, 10L, 2L, 10L, 9L, 10L));

        Step step = MembershipReconciler.decide(partition(List.of(1L, 2L, 3L)), st, SELF, stable);

        assertThat(step).isEqualTo(new Step(Step.Kind.ADD_LEARNER, 3));
        assertThat(step.confChange()).isEqualTo(ConfChange.addLearner(3));
    }

    @Test
    void aLearnerThatHoldsNothingIsNotPromotedEvenWhileTheCommitIsWithinTheSlack() {
        // seed 4 of the simulator's metadata workload with two groups: a group of one voter promoted a
        // learner the leader had heard nothing of (its node had not created the replica), and could
        // then commit nothing, not even that learner's removal
        RaftStatus st = status(3, Set.of(1L), Set.of(2L), Map.of(1L, 3L, 2L, 0L));

        Step step = MembershipReconciler.decide(partition(List.of(1L, 2L)), st, SELF, stable);

        assertThat(step).isEqualTo(Step.NONE);
    }

    @Test
    void aLearnerWithinTheSlackIsPromoted() {
        RaftStatus st = status(100, Set.of(1L), Set.of(2L), Map.of(1L, 100L, 2L, 100 - MembershipReconciler.CATCH_UP_SLACK_ENTRIES));

        assertThat(MembershipReconciler.decide(partition(List.of(1L, 2L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.PROMOTE, 2));
        RaftStatus behind = status(100, Set.of(1L), Set.of(2L),
                Map.of(1L, 100L, 2L, 99 - MembershipReconciler.CATCH_UP_SLACK_ENTRIES));
        assertThat(MembershipReconciler.decide(partition(List.of(1L, 2L)), behind, SELF, stable)).isEqualTo(Step.NONE);
    }

    @Test
    void anUnassignedVoterIsRemovedAndALeavingLeaderHandsOffFirst() {
        RaftStatus st = status(10, Set.of(1L, 2L, 3L), Set.of(), Map.of(1L, 10L, 2L, 10L, 3L, 10L));

        assertThat(MembershipReconciler.decide(partition(List.of(1L, 2L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.REMOVE_VOTER, 3));
        assertThat(MembershipReconciler.decide(partition(List.of(3L, 2L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.HAND_OFF_LEAVING, 3));
    }

    @Test
    void aLeavingLeaderHandsOffToAnAssignedVoterThatHoldsEverythingCommitted() {
        // seed 322 of the simulator's metadata workload: node 2, the first assigned voter, was rejoining
        // after a wipe (far behind; it refuses to campaign), and the leader handed off to it on every
        // pass, taking no proposal while each transfer was pending, its demotion request included
        RaftStatus st = status(10, Set.of(1L, 2L, 3L), Set.of(), Map.of(1L, 10L, 2L, 0L, 3L, 10L));

        assertThat(MembershipReconciler.decide(partition(List.of(2L, 3L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.HAND_OFF_LEAVING, 3));
        RaftStatus noneCaughtUp = status(10, Set.of(1L, 2L, 3L), Set.of(), Map.of(1L, 10L, 2L, 0L, 3L, 9L));
        assertThat(MembershipReconciler.decide(partition(List.of(2L, 3L)), noneCaughtUp, SELF, stable))
                .as("wait until one holds everything committed").isEqualTo(Step.NONE);
    }

    @Test
    void aLeavingLeaderDoesNotHandOffAgainWhileATransferIsPending() {
        // seed 30 of the simulator's metadata workload: the sole successor was cut off; the hand-off was
        // issued on every pass (72 times) while the core still held the first transfer
        RaftStatus st = status(10, Set.of(1L, 2L), Set.of(), Map.of(1L, 10L, 2L, 10L));
        RaftStatus transferring = new RaftStatus(SELF, 5, SELF, 10, 10, 10, StateRole.LEADER, SELF, 2,
                st.confState(), st.progress());

        assertThat(MembershipReconciler.decide(partition(List.of(2L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.HAND_OFF_LEAVING, 2));
        assertThat(MembershipReconciler.decide(partition(List.of(2L)), transferring, SELF, stable))
                .isEqualTo(Step.NONE);
    }

    @Test
    void theUnassignedVoterFurthestBehindIsRemovedFirst() {
        // seed 10 of the simulator's metadata workload with two groups: the replica set shrank to [1]
        // while node 3 had never created its replica; removing the caught-up node 2 first left voters
        // {1, 3}, whose majority needs node 3, and the group could commit nothing more
        RaftStatus st = status(10, Set.of(1L, 2L, 3L), Set.of(), Map.of(1L, 10L, 2L, 10L, 3L, 0L));

        assertThat(MembershipReconciler.decide(partition(List.of(1L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.REMOVE_VOTER, 3));
        RaftStatus leaderLeaving = status(10, Set.of(1L, 2L, 3L), Set.of(), Map.of(1L, 10L, 2L, 10L, 3L, 4L));
        assertThat(MembershipReconciler.decide(partition(List.of(2L)), leaderLeaving, SELF, stable))
                .as("the leader leaves last").isEqualTo(new Step(Step.Kind.REMOVE_VOTER, 3));
    }

    @Test
    void anUnassignedLearnerIsRemoved() {
        RaftStatus st = status(10, Set.of(1L, 2L), Set.of(3L), Map.of(1L, 10L, 2L, 10L, 3L, 10L));

        assertThat(MembershipReconciler.decide(partition(List.of(1L, 2L)), st, SELF, stable))
                .isEqualTo(new Step(Step.Kind.REMOVE_LEARNER, 3));
    }

    @Test
    void leadershipGoesToThePreferredReplicaOnlyOnceTheTermHeldForTheStableTime() {
        RaftStatus st = status(10, Set.of(1L, 2L), Set.of(), Map.of(1L, 10L, 2L, 10L));
        PartitionInfo p = partition(List.of(2L, 1L));

        assertThat(MembershipReconciler.decide(p, st, SELF, stable)).isEqualTo(Step.NONE);
        nowNs += 3_000_000_000L;
        assertThat(MembershipReconciler.decide(p, st, SELF, stable)).isEqualTo(new Step(Step.Kind.HAND_TO_PREFERRED, 2));
    }
}
