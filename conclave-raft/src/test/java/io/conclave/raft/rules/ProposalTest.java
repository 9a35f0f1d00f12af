package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ProposeResult;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.message.ProposalForward;
import io.conclave.raft.storage.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * §8 client interaction, proposals: only the leader appends; followers refuse with the leader's id as
 * a hint (NOT_LEADER) or, with forwarding on, forward to the leader; a node that knows no leader
 * gives no hint; back-pressure on uncommitted bytes; an empty batch is invalid.
 */
class ProposalTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void followerRejectsProposalsWithTheLeadersIdAsAHint() {
        Net net = Net.of(THREE);
        net.elect(1);
        ProposeResult r = net.node(2).propose(bytes("x"));
        assertThat(r.status()).isEqualTo(ProposeResult.Status.NOT_LEADER);
        assertThat(r.leaderHint()).isEqualTo(1);
        net.stabilize();
        assertThat(net.sentOf(ProposalForward.class, 0, 0)).isEmpty();
        assertThat(net.node(1).lastIndex()).isEqualTo(net.node(1).commitIndex());
    }

    @Test
    void nodeThatKnowsNoLeaderRejectsProposalsWithoutAHint() {
        Net net = Net.of(THREE);
        ProposeResult r = net.node(2).propose(bytes("x"));
        assertThat(r.status()).isEqualTo(ProposeResult.Status.NOT_LEADER);
        assertThat(r.leaderHint()).isZero();
        net.node(3).campaign(); // a pre-candidate knows no leader either
        assertThat(net.node(3).propose(bytes("y")).status()).isEqualTo(ProposeResult.Status.NOT_LEADER);
    }

    @Test
    void followerForwardsProposalsToTheLeaderWhenForwardingIsOn() {
        Net net = Net.of(id -> RaftConfig.builder(id).forwardProposals(true).build(), THREE);
        net.elect(1);
        ProposeResult r = net.node(2).propose(bytes("via 2"));
        assertThat(r.status()).isEqualTo(ProposeResult.Status.FORWARDED);
        assertThat(r.leaderHint()).isEqualTo(1);
        net.stabilize();
        assertThat(net.sentOf(ProposalForward.class, 2, 1)).hasSize(1);
        for (long id : THREE) {
            assertThat(net.host(id).appliedData()).containsExactly("via 2");
        }
    }

    @Test
    void forwardedConfChangeGetsThePendingChangeCheckOnTheLeader() {
        Net net = Net.of(id -> RaftConfig.builder(id).forwardProposals(true).build(), THREE);
        net.elect(1);
        net.add(4, MemoryStorage.withVoters(THREE));
        net.add(5, MemoryStorage.withVoters(THREE));
        assertThat(net.node(1).proposeConfChange(ConfChange.addLearner(4)).accepted()).isTrue();
        assertThat(net.node(2).proposeConfChange(ConfChange.addLearner(5)).status())
                .isEqualTo(ProposeResult.Status.FORWARDED);
        net.stabilize();
        assertThat(net.host(1).confState.learners()).containsExactly(4L);
    }

    @Test
    void leaderRefusesProposalsBeyondMaxUncommittedBytesUntilTheyCommit() {
        Net net = Net.of(id -> RaftConfig.builder(id).maxUncommittedBytes(10).build(), THREE);
        net.elect(1);
        net.isolate(1);
        assertThat(net.node(1).propose(bytes("12345678")).accepted()).isTrue();
        assertThat(net.node(1).propose(bytes("abcdefgh")).status()).isEqualTo(ProposeResult.Status.BACK_PRESSURE);
        net.heal();
        net.run(2);
        assertThat(net.host(1).appliedData()).containsExactly("12345678");
        assertThat(net.node(1).propose(bytes("abcdefgh")).accepted()).isTrue();
    }

    @Test
    void emptyBatchIsInvalid() {
        Net net = Net.of(THREE);
        net.elect(1);
        assertThat(net.node(1).proposeBatch(List.of()).status()).isEqualTo(ProposeResult.Status.INVALID);
        ProposeResult batch = net.node(1).proposeBatch(List.of(bytes("a"), bytes("b")));
        assertThat(batch.lastIndex() - batch.firstIndex()).isEqualTo(1);
    }
}
