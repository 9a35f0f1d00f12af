package io.conclave.raft.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pre-vote (thesis §9.6): a node asks whether it could win before raising its term, so a node that
 * was partitioned away cannot depose a healthy leader when it rejoins; without pre-vote it does. A
 * pre-vote is granted only to a log at least as up to date as the voter's, and changes nothing
 * durable on either side.
 */
class PreVoteTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void partitionedNodeWithPreVoteNeverRaisesItsTermAndDoesNotDeposeTheLeaderOnRejoining() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.isolate(3);
        for (int i = 0; i < 100; i++) {
            net.tick(3);
            net.stabilize();
        }
        assertThat(net.node(3).term()).isEqualTo(term);
        assertThat(net.node(3).role()).isIn(StateRole.FOLLOWER, StateRole.PRE_CANDIDATE);
        assertThat(net.sentOf(RequestVote.class, 3, 0)).isNotEmpty().allMatch(RequestVote::preVote);
        net.heal();
        net.run(30);
        assertThat(net.leader()).isEqualTo(1);
        assertThat(net.node(1).term()).isEqualTo(term);
        assertThat(net.node(3).getLeader()).isEqualTo(1);
    }

    @Test
    void withoutPreVoteARejoiningNodeWithAHigherTermDeposesTheLeader() {
        Net net = Net.of(id -> RaftConfig.builder(id).preVote(false).checkQuorum(false).build(), THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.isolate(3);
        for (int i = 0; i < 100; i++) {
            net.tick(3);
            net.stabilize();
        }
        assertThat(net.node(3).term()).isGreaterThan(term + 3);
        net.heal();
        net.node(3).campaign(); // its next timeout, now that it can be heard
        net.stabilize();
        assertThat(net.node(1).term()).isGreaterThan(term + 3);
        long leader = net.awaitLeader();
        assertThat(net.node(leader).term()).isGreaterThan(term + 3);
    }

    @Test
    void preVoteIsRefusedToANodeWithAHigherTermButAStaleLog() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(1, Net.storage(THREE, new HardState(3, 0, 1), 1, 3));
        net.add(2, Net.storage(THREE, new HardState(3, 0, 1), 1, 3));
        net.add(3, Net.storage(THREE, new HardState(9, 0, 1), 1));
        net.node(3).campaign();
        net.stabilize();
        assertThat(net.sentOf(RequestVote.class, 3, 0)).allMatch(RequestVote::preVote);
        assertThat(net.sentOf(VoteResponse.class, 0, 3)).isNotEmpty().noneMatch(VoteResponse::granted);
        assertThat(net.node(3).role()).isNotEqualTo(StateRole.CANDIDATE).isNotEqualTo(StateRole.LEADER);
        assertThat(net.node(1).term()).isEqualTo(3);
        assertThat(net.node(2).term()).isEqualTo(3);
    }

    @Test
    void preVoteIsGrantedToAnUpToDateLogWithoutChangingTheVotersTermOrVote() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(1, Net.storage(THREE, new HardState(3, 2, 1), 1, 3));
        net.add(2, Net.storage(THREE, new HardState(3, 0, 1), 1, 3));
        net.add(3, Net.storage(THREE, new HardState(3, 0, 1), 1, 3));
        net.node(1).step(new RequestVote(3, 1, 4, 2, 3, true, false));
        net.process(1);
        VoteResponse r = net.sentOf(VoteResponse.class, 1, 3).get(0);
        assertThat(r.granted()).isTrue();
        assertThat(r.preVote()).isTrue();
        assertThat(net.node(1).term()).isEqualTo(3);
        assertThat(net.host(1).storage.hardState()).isEqualTo(new HardState(3, 2, 1));
    }

    @Test
    void preCandidateThatWinsThePreVoteRaisesItsTermOnceAndWins() {
        Net net = Net.of(THREE);
        net.node(2).campaign();
        assertThat(net.node(2).role()).isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(net.node(2).term()).isZero();
        net.stabilize();
        assertThat(net.node(2).isLeader()).isTrue();
        assertThat(net.node(2).term()).isEqualTo(1);
        assertThat(net.sentOf(RequestVote.class, 2, 0)).extracting(RequestVote::preVote)
                .containsExactly(true, true, false, false);
    }
}
