package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import io.conclave.raft.ConfState;
import io.conclave.raft.ProposeResult;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.StateRole;
import io.conclave.raft.confchange.Changer;
import io.conclave.raft.confchange.InvalidConfChangeException;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.Message;
import io.conclave.raft.progress.Progress;
import io.conclave.raft.progress.TrackerConfig;
import io.conclave.raft.storage.MemoryStorage;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * §6 cluster membership changes with joint consensus: AUTO changes of several voters and
 * JOINT_IMPLICIT changes enter a joint configuration and leave it by themselves, JOINT_EXPLICIT stays
 * until an empty change; while joint, a commit needs a majority of both halves; one change at a time
 * (CONF_CHANGE_PENDING); demotion of a voter through a joint configuration; invalid changes refused
 * (INVALID); elections and reads while joint need both halves; a new leader finishes an automatic
 * leave. Removed servers must not disrupt the cluster; a removed leader hands leadership over to a
 * remaining voter and steps down; a node added with the genesis membership learns the whole
 * membership and cannot lead alone.
 */
class JointConsensusTest {

    private static final long[] THREE = {1, 2, 3};

    /** Voters 1, 2, 3 led by 1; nodes 4 and 5 running (booted with the group's membership) but not members. */
    private static Net threeVotersAndTwoSpares() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.add(4, MemoryStorage.withVoters(THREE));
        net.add(5, MemoryStorage.withVoters(THREE));
        return net;
    }

    private static ConfChange change(ConfChangeTransition t, ConfChangeSingle... steps) {
        return new ConfChange(t, List.of(steps), new byte[0]);
    }

    private static ConfChangeSingle add(long id) {
        return new ConfChangeSingle(ConfChangeType.ADD_VOTER, id);
    }

    private static ConfChangeSingle remove(long id) {
        return new ConfChangeSingle(ConfChangeType.REMOVE_NODE, id);
    }

    @Test
    void autoChangeOfSeveralVotersEntersAJointConfigurationAndLeavesItByItself() {
        Net net = threeVotersAndTwoSpares();
        assertThat(net.node(1).proposeConfChange(ConfChange.of(add(4), add(5))).accepted()).isTrue();
        net.stabilize();
        List<ConfState> seen = net.host(1).confHistory;
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).isJoint()).isTrue();
        assertThat(seen.get(0).autoLeave()).isTrue();
        assertThat(seen.get(0).votersOutgoing()).containsExactly(1L, 2L, 3L);
        assertThat(seen.get(0).voters()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seen.get(1).isJoint()).isFalse();
        assertThat(seen.get(1).voters()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(net.host(4).confState).isEqualTo(seen.get(1));
    }

    @Test
    void autoChangeOfOneVoterIsAppliedDirectlyWithoutAJointConfiguration() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(ConfChange.addVoter(4));
        net.stabilize();
        assertThat(net.host(1).confHistory).extracting(ConfState::isJoint).containsExactly(false);
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void jointImplicitEntersAJointConfigurationEvenForOneVoterAndLeavesByItself() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_IMPLICIT, add(4)));
        net.stabilize();
        assertThat(net.host(1).confHistory).extracting(ConfState::isJoint).containsExactly(true, false);
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void jointExplicitStaysJointUntilTheHostProposesAnEmptyChange() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_EXPLICIT, add(4), remove(3)));
        net.stabilize();
        net.run(30);
        assertThat(net.host(1).confState.isJoint()).isTrue();
        assertThat(net.host(1).confState.autoLeave()).isFalse();
        assertThat(net.node(1).proposeConfChange(ConfChange.addVoter(5)).status())
                .isEqualTo(ProposeResult.Status.CONF_CHANGE_PENDING);
        assertThat(net.node(1).proposeConfChange(ConfChange.leaveJoint()).accepted()).isTrue();
        net.stabilize();
        assertThat(net.host(1).confState.isJoint()).isFalse();
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 2L, 4L);
    }

    @Test
    void whileJointAnEntryWithAMajorityOfTheNewConfigurationOnlyIsNotCommitted() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_EXPLICIT, add(4), add(5), remove(2),
                remove(3)));
        net.stabilize();
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 4L, 5L);
        assertThat(net.host(1).confState.votersOutgoing()).containsExactly(1L, 2L, 3L);
        net.partition(Set.of(2L, 3L));
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        net.stabilize();
        assertThat(net.node(1).status().progress().get(4L).match()).isEqualTo(idx);
        assertThat(net.node(1).status().progress().get(5L).match()).isEqualTo(idx);
        assertThat(net.node(1).commitIndex()).isLessThan(idx); // {1,4,5} agree, {1,2,3} do not
        net.heal();
        net.run(2);
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
    }

    @Test
    void whileJointAnEntryWithAMajorityOfTheOldConfigurationOnlyIsNotCommitted() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_EXPLICIT, add(4), add(5), remove(2),
                remove(3)));
        net.stabilize();
        net.partition(Set.of(4L, 5L));
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        net.stabilize();
        assertThat(net.node(1).status().progress().get(2L).match()).isEqualTo(idx);
        assertThat(net.node(1).commitIndex()).isLessThan(idx);
    }

    /** Joint configuration {1,4,5} / {1,2,3}, entered with JOINT_EXPLICIT and applied everywhere. */
    private static Net replacingTwoVotersJointly() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_EXPLICIT, add(4), add(5), remove(2),
                remove(3)));
        net.stabilize();
        net.run(2);
        for (long id : new long[] {1, 2, 3, 4, 5}) {
            assertThat(net.host(id).confState.isJoint()).as("node %d is joint", id).isTrue();
        }
        return net;
    }

    @Test
    void whileJointACandidateNeedsVotesFromAMajorityOfBothHalves() {
        Net net = replacingTwoVotersJointly();
        net.crash(1);
        net.partition(Set.of(4L, 5L));
        net.run(3 * RaftConfig.defaults(1).electionTimeoutTicks()); // nobody hears a leader any more
        assertThat(net.leader()).isZero(); // 2 and 3 are a majority of {1,2,3} only; 4 and 5 of {1,4,5} only
        net.heal();
        net.crash(1);
        net.node(2).campaign();
        net.stabilize();
        assertThat(net.node(2).isLeader()).isTrue(); // with votes from both halves
    }

    @Test
    void whileJointAReadNeedsAcknowledgementsFromBothHalves() {
        Net net = replacingTwoVotersJointly();
        net.partition(Set.of(2L, 3L));
        net.node(1).readIndex(bytes("r"));
        net.stabilize();
        net.run(2);
        assertThat(net.host(1).readStates).isEmpty();
        net.heal();
        net.run(2);
        assertThat(net.host(1).readStates).hasSize(1);
    }

    @Test
    void newLeaderLeavesAnAutomaticJointConfigurationThatItsPredecessorDidNotLeave() {
        Net net = threeVotersAndTwoSpares();
        net.dropIf(m -> m instanceof AppendEntries a && a.from() == 1 && a.entries().stream()
                .anyMatch(e -> e.type() == io.conclave.raft.EntryType.CONF_CHANGE
                        && ConfChange.decode(e.data()).isLeaveJoint()));
        net.node(1).proposeConfChange(ConfChange.of(add(4), add(5)));
        net.stabilize();
        net.run(3);
        assertThat(net.host(2).confState.isJoint()).isTrue();
        assertThat(net.host(2).confState.autoLeave()).isTrue();
        net.crash(1);
        net.clearDropRules();
        long l = net.awaitLeader();
        net.run(5);
        assertThat(l).isNotEqualTo(1);
        for (long id : new long[] {2, 3, 4, 5}) {
            assertThat(net.host(id).confState.isJoint()).as("node %d left the joint configuration", id).isFalse();
            assertThat(net.host(id).confState.voters()).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void secondChangeWhileOneIsPendingIsRejected() {
        Net net = threeVotersAndTwoSpares();
        assertThat(net.node(1).proposeConfChange(ConfChange.addLearner(4)).accepted()).isTrue();
        ProposeResult second = net.node(1).proposeConfChange(ConfChange.addLearner(5));
        assertThat(second.status()).isEqualTo(ProposeResult.Status.CONF_CHANGE_PENDING);
        net.stabilize();
        assertThat(net.node(1).proposeConfChange(ConfChange.addLearner(5)).accepted()).isTrue();
        net.stabilize();
        assertThat(net.host(1).confState.learners()).containsExactly(4L, 5L);
    }

    @Test
    void demotingAVoterToALearnerGoesThroughAJointConfiguration() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_IMPLICIT,
                new ConfChangeSingle(ConfChangeType.ADD_LEARNER, 3)));
        net.stabilize();
        ConfState joint = net.host(1).confHistory.get(0);
        assertThat(joint.voters()).containsExactly(1L, 2L);
        assertThat(joint.votersOutgoing()).containsExactly(1L, 2L, 3L);
        assertThat(joint.learnersNext()).containsExactly(3L);
        ConfState after = net.host(1).confState;
        assertThat(after.voters()).containsExactly(1L, 2L);
        assertThat(after.learners()).containsExactly(3L);
        net.node(1).propose(bytes("y"));
        net.stabilize();
        assertThat(net.host(3).appliedData()).containsExactly("y");
        assertThat(net.node(1).status().progress().get(3L).learner()).isTrue();
    }

    @Test
    void changesThatRemoveEveryVoterAreRejectedAsInvalid() {
        Net net = threeVotersAndTwoSpares();
        assertThat(net.node(1).proposeConfChange(ConfChange.of(remove(1), remove(2), remove(3))).status())
                .isEqualTo(ProposeResult.Status.INVALID);
        Net single = Net.of(1);
        single.elect(1);
        assertThat(single.node(1).proposeConfChange(ConfChange.remove(1)).status())
                .isEqualTo(ProposeResult.Status.INVALID);
        assertThat(net.node(1).proposeConfChange(ConfChange.leaveJoint()).status())
                .isEqualTo(ProposeResult.Status.INVALID); // not joint
        assertThat(net.node(1).proposeConfChange(ConfChange.addVoter(4)).accepted()).isTrue(); // nothing pending
    }

    @Test
    void simpleChangeOfMoreThanOneVoterIsInvalid() {
        TrackerConfig cfg = TrackerConfig.of(ConfState.ofVoters(THREE));
        TreeMap<Long, Progress> prs = new TreeMap<>();
        for (long id : THREE) {
            prs.put(id, new Progress(0, 1, 4, 0, false));
        }
        Changer changer = new Changer(cfg, prs, 10, 4, 0);
        assertThatThrownBy(() -> changer.simple(List.of(add(4), add(5))))
                .isInstanceOf(InvalidConfChangeException.class);
        assertThatThrownBy(() -> changer.simple(List.of(remove(2), add(4))))
                .isInstanceOf(InvalidConfChangeException.class);
        assertThat(changer.simple(List.of(add(4))).config().voters().incoming().ids()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void removedServerThatNeverLearnsOfItsRemovalDoesNotDisruptTheCluster() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.isolate(3);
        assertThat(net.node(1).proposeConfChange(ConfChange.remove(3)).accepted()).isTrue();
        net.stabilize();
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 2L);
        assertThat(net.host(3).confState.voters()).contains(3L);
        net.heal();
        int mark = net.sent.size();
        for (int i = 0; i < 200; i++) {
            net.tickAll();
            net.stabilize();
            assertThat(net.leader()).isEqualTo(1);
            assertThat(net.node(1).term()).isEqualTo(term);
            assertThat(net.node(2).term()).isEqualTo(term);
        }
        List<Message> toThree = net.sent.subList(mark, net.sent.size()).stream().filter(m -> m.to() == 3).toList();
        assertThat(toThree).noneMatch(m -> m instanceof AppendEntries || m instanceof Heartbeat);
        assertThat(net.node(3).term()).isEqualTo(term); // pre-vote: it never raised its term
    }

    @Test
    void removedServerWithoutPreVoteRaisesItsTermButLeaderStickinessIgnoresIt() {
        Net net = Net.of(id -> RaftConfig.builder(id).preVote(false).build(), THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.isolate(3);
        net.node(1).proposeConfChange(ConfChange.remove(3));
        net.stabilize();
        net.heal();
        for (int i = 0; i < 200; i++) {
            net.tickAll();
            net.stabilize();
        }
        assertThat(net.node(3).term()).isGreaterThan(term + 5);
        assertThat(net.leader()).isEqualTo(1);
        assertThat(net.node(1).term()).isEqualTo(term);
        assertThat(net.node(2).term()).isEqualTo(term);
    }

    @Test
    void removedServerThatAppliedItsRemovalNeverRaisesItsTermNorLeads() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.node(1).proposeConfChange(ConfChange.remove(3));
        net.stabilize();
        assertThat(net.host(3).confState.voters()).containsExactly(1L, 2L);
        for (int i = 0; i < 100; i++) {
            net.tickAll();
            net.stabilize();
        }
        assertThat(net.node(3).isLeader()).isFalse();
        assertThat(net.node(3).term()).isEqualTo(term);
        assertThat(net.sentOf(io.conclave.raft.message.RequestVote.class, 3, 0)).allMatch(v -> v.preVote()
                && v.to() != 3);
        assertThat(net.leader()).isEqualTo(1);
        assertThat(net.node(1).term()).isEqualTo(term);
    }

    @Test
    void removedLeaderHandsLeadershipOverAndStepsDown() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.node(1).proposeConfChange(ConfChange.remove(1));
        net.stabilize();
        assertThat(net.node(1).propose(bytes("refused")).status()).isNotEqualTo(ProposeResult.Status.ACCEPTED);
        net.run(3); // the new leader's higher term reaches node 1
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        long l = net.leader();
        assertThat(l).isIn(2L, 3L);
        assertThat(net.sentOf(io.conclave.raft.message.TimeoutNow.class, 1, l)).hasSize(1);
        assertThat(net.host(l).confState.voters()).containsExactly(2L, 3L);
        net.node(l).propose(bytes("after"));
        net.run(20);
        assertThat(net.leader()).isEqualTo(l);
        assertThat(net.host(2).appliedData()).containsExactly("after");
        assertThat(net.host(3).appliedData()).containsExactly("after");
    }

    @Test
    void leaderThatDemotesItselfToALearnerHandsOverAndKeepsReceivingTheLog() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(change(ConfChangeTransition.JOINT_IMPLICIT,
                new ConfChangeSingle(ConfChangeType.ADD_LEARNER, 1)));
        net.stabilize();
        net.run(3);
        long l = net.leader();
        assertThat(l).isIn(2L, 3L);
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.host(l).confState.voters()).containsExactly(2L, 3L);
        assertThat(net.host(l).confState.learners()).containsExactly(1L);
        net.node(l).propose(bytes("to the learner"));
        net.run(2);
        assertThat(net.host(1).appliedData()).containsExactly("to the learner");
        for (int i = 0; i < 50; i++) {
            net.tickAll();
            net.stabilize();
        }
        assertThat(net.leader()).isEqualTo(l);
        assertThat(net.sentOf(io.conclave.raft.message.RequestVote.class, 1, 0).stream()
                .filter(v -> v.term() > net.node(l).term())).isEmpty();
    }

    @Test
    void nodeAddedWithTheGenesisMembershipLearnsTheWholeMembershipAndCannotLeadAlone() {
        Net net = threeVotersAndTwoSpares();
        net.node(1).proposeConfChange(ConfChange.addLearner(4));
        net.stabilize();
        net.run(3);
        net.node(1).proposeConfChange(ConfChange.addVoter(4));
        net.stabilize();
        net.run(3);
        assertThat(net.host(1).confState.voters()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(net.node(4).confState().voters()).containsExactly(1L, 2L, 3L, 4L);
        net.isolate(4);
        for (int i = 0; i < 40; i++) {
            net.tick(4);
            net.stabilize();
        }
        assertThat(net.node(4).isLeader()).isFalse();
    }
}
