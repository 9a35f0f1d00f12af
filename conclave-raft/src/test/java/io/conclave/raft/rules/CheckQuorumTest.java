package io.conclave.raft.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.RaftConfig;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import org.junit.jupiter.api.Test;

/**
 * Check-quorum (thesis §6.2) and leader stickiness (§4.2.3): a leader that has not heard from a
 * majority for an election timeout steps down; a leader that hears from a majority stays; followers
 * that hear from a leader ignore vote requests, so a disruptive candidate gets no votes.
 */
class CheckQuorumTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void leaderThatHearsFromNoMajorityForAnElectionTimeoutStepsDown() {
        Net net = Net.of(THREE);
        net.elect(1);
        int e = RaftConfig.defaults(1).electionTimeoutTicks();
        net.isolate(1);
        for (int i = 0; i < e - 1; i++) {
            net.tick(1);
            net.stabilize();
        }
        assertThat(net.node(1).isLeader()).isTrue();
        for (int i = 0; i < 2 * e + 1 && net.node(1).isLeader(); i++) {
            net.tick(1);
            net.stabilize();
        }
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(1).getLeader()).isZero();
    }

    @Test
    void leaderWithoutCheckQuorumStaysLeaderWhileIsolated() {
        Net net = Net.of(id -> RaftConfig.builder(id).checkQuorum(false).build(), THREE);
        net.elect(1);
        net.isolate(1);
        for (int i = 0; i < 100; i++) {
            net.tick(1);
            net.stabilize();
        }
        assertThat(net.node(1).isLeader()).isTrue();
    }

    @Test
    void leaderThatHearsFromAMajorityStaysLeaderWithTheSameTerm() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.isolate(3);
        net.run(100);
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).term()).isEqualTo(term);
    }

    @Test
    void followersThatHearALeaderIgnoreVoteRequests() {
        Net net = Net.of(id -> RaftConfig.builder(id).preVote(false).build(), THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.node(3).campaign();
        net.process(3);
        net.take(m -> !(m instanceof RequestVote)).size();
        assertThat(net.queued()).hasSize(2);
        net.deliverQueued();
        net.processAll();
        assertThat(net.sentOf(VoteResponse.class, 0, 3)).isEmpty();
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).term()).isEqualTo(term);
        assertThat(net.node(2).term()).isEqualTo(term);
        assertThat(net.node(2).getLeader()).isEqualTo(1);
    }

    @Test
    void followersThatHaveNotHeardALeaderForAnElectionTimeoutGrantVotes() {
        Net net = Net.of(id -> RaftConfig.builder(id).preVote(false).build(), THREE);
        net.elect(1);
        net.crash(1);
        int e = RaftConfig.defaults(1).electionTimeoutTicks();
        for (int i = 0; i < e; i++) {
            net.tick(2);
        }
        net.node(3).campaign();
        net.stabilize();
        assertThat(net.node(3).isLeader()).isTrue();
    }
}
