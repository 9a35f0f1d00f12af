package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import io.conclave.raft.storage.MemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * Learners (non-voting members, thesis §4.2.1): they receive and apply the log, are never asked to
 * vote and their votes do not count, never campaign, and are not counted when the leader commits.
 */
class LearnerTest {

    /**
     * Voters 1, 2, 3 led by 1, and node 4 added as a learner that has caught up. Node 4 boots with
     * the group's initial membership, as every member does (see JointConsensusTest for a node that
     * boots with none).
     */
    static Net votersAndALearner() {
        Net net = Net.of(1, 2, 3);
        net.elect(1);
        net.add(4, MemoryStorage.withVoters(1, 2, 3));
        assertThat(net.node(1).proposeConfChange(ConfChange.addLearner(4)).accepted()).isTrue();
        net.stabilize();
        net.run(2);
        assertThat(net.host(4).confState.learners()).containsExactly(4L);
        return net;
    }

    @Test
    void learnerReceivesAndAppliesTheLog() {
        Net net = votersAndALearner();
        net.node(1).propose(bytes("x"));
        net.stabilize();
        assertThat(net.host(4).appliedData()).containsExactly("x");
        assertThat(net.host(4).logTerms()).isEqualTo(net.host(1).logTerms());
        assertThat(net.node(1).status().progress().get(4L).learner()).isTrue();
    }

    @Test
    void learnerNeverCampaignsEvenWhenItHearsNoLeader() {
        Net net = votersAndALearner();
        long term = net.node(4).term();
        net.isolate(4);
        for (int i = 0; i < 100; i++) {
            net.tick(4);
            net.stabilize();
        }
        net.node(4).campaign();
        net.stabilize();
        assertThat(net.node(4).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(4).term()).isEqualTo(term);
        assertThat(net.sentOf(RequestVote.class, 4, 0)).isEmpty();
    }

    @Test
    void learnerIsNeverAskedToVoteAndItsVoteDoesNotCount() {
        Net net = votersAndALearner();
        net.partition(java.util.Set.of(2L, 4L));
        for (int i = 0; i < 30; i++) {
            net.tick(2);
            net.stabilize();
        }
        assertThat(net.sentOf(RequestVote.class, 2, 0)).isNotEmpty().noneMatch(v -> v.to() == 4);
        RequestVote ask = net.sentOf(RequestVote.class, 2, 0).get(net.sentOf(RequestVote.class, 2, 0).size() - 1);
        net.heal();
        net.partition(java.util.Set.of(2L, 4L));
        net.node(2).step(new VoteResponse(4, 2, ask.term(), ask.preVote(), true));
        net.stabilize();
        assertThat(net.node(2).isLeader()).isFalse();
        assertThat(net.node(2).role()).isNotEqualTo(StateRole.CANDIDATE);
    }

    @Test
    void learnerIsNotCountedWhenTheLeaderCommits() {
        Net net = votersAndALearner();
        net.cut(1, 2);
        net.cut(1, 3);
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        net.stabilize();
        assertThat(net.node(1).status().progress().get(4L).match()).isEqualTo(idx);
        assertThat(net.node(1).commitIndex()).isLessThan(idx); // leader + learner are not 2 of 3 voters
        net.heal();
        net.run(2); // the next heartbeats reveal the lost appends
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
    }
}
