package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ProposeResult;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.TimeoutNow;
import io.conclave.raft.message.TransferLeaderRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leadership transfer (thesis §3.10): the leader first catches the target up, then sends TimeoutNow
 * and the target campaigns at once (voters grant it even while they hear from the leader); proposals
 * are refused while a transfer is in progress; a transfer to a learner or an unknown node is
 * ignored; a transfer the target never completes is abandoned after an election timeout.
 */
class LeadershipTransferTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void transferToAnUpToDateTargetSendsTimeoutNowAtOnceAndTheTargetWins() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        net.node(1).transferLeadership(2);
        List<Message> out = net.process(1).messages();
        assertThat(out).hasSize(1).first().isInstanceOf(TimeoutNow.class);
        net.stabilize();
        assertThat(net.leader()).isEqualTo(2);
        assertThat(net.node(2).term()).isEqualTo(term + 1);
        assertThat(net.node(1).getLeader()).isEqualTo(2);
    }

    @Test
    void transferToALaggingTargetCatchesItUpBeforeTellingItToCampaign() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.cut(1, 3);
        for (int i = 0; i < 5; i++) {
            net.node(1).propose(bytes("v" + i));
        }
        net.stabilize();
        net.heal();
        int mark = net.sent.size();
        net.node(1).transferLeadership(3);
        net.stabilize();
        List<Message> toThree = net.sent.subList(mark, net.sent.size()).stream()
                .filter(m -> m.from() == 1 && m.to() == 3).toList();
        int firstEntries = -1;
        int timeoutNow = -1;
        for (int i = 0; i < toThree.size(); i++) {
            if (firstEntries < 0 && toThree.get(i) instanceof AppendEntries a && !a.entries().isEmpty()) {
                firstEntries = i;
            }
            if (timeoutNow < 0 && toThree.get(i) instanceof TimeoutNow) {
                timeoutNow = i;
            }
        }
        assertThat(firstEntries).isNotNegative();
        assertThat(timeoutNow).isGreaterThan(firstEntries);
        assertThat(net.leader()).isEqualTo(3);
        assertThat(net.host(3).appliedData()).containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void proposalsAreRefusedWhileTransferring() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.isolate(3);
        net.node(1).propose(bytes("makes 3 lag"));
        net.stabilize();
        net.node(1).transferLeadership(3);
        ProposeResult r = net.node(1).propose(bytes("x"));
        assertThat(r.status()).isEqualTo(ProposeResult.Status.TRANSFERRING);
        assertThat(r.leaderHint()).isEqualTo(3);
        assertThat(net.node(1).status().leadTransferee()).isEqualTo(3);
    }

    @Test
    void transferToALearnerOrAnUnknownNodeIsIgnored() {
        Net net = LearnerTest.votersAndALearner();
        for (long target : new long[] {4, 9, 1}) {
            net.node(1).transferLeadership(target);
            assertThat(net.node(1).status().leadTransferee()).isZero();
            assertThat(net.node(1).propose(bytes("to " + target)).accepted()).isTrue();
        }
        net.stabilize();
        assertThat(net.sentOf(TimeoutNow.class, 0, 0)).isEmpty();
        assertThat(net.leader()).isEqualTo(1);
    }

    @Test
    void transferIsAbandonedAfterAnElectionTimeoutIfTheTargetNeverAnswers() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.isolate(3);
        net.node(1).propose(bytes("makes 3 lag"));
        net.stabilize();
        net.node(1).transferLeadership(3);
        int e = RaftConfig.defaults(1).electionTimeoutTicks();
        for (int i = 0; i < e - 1; i++) {
            net.run(1);
        }
        assertThat(net.node(1).status().leadTransferee()).isEqualTo(3);
        net.run(1);
        assertThat(net.node(1).status().leadTransferee()).isZero();
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).propose(bytes("again")).accepted()).isTrue();
    }

    @Test
    void followerForwardsATransferRequestToTheLeader() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.node(2).transferLeadership(3);
        net.stabilize();
        assertThat(net.sentOf(TransferLeaderRequest.class, 2, 1)).hasSize(1);
        assertThat(net.leader()).isEqualTo(3);
    }
}
