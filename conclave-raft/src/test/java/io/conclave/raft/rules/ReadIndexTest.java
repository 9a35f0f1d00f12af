package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.RaftConfig;
import io.conclave.raft.ReadState;
import io.conclave.raft.ReadStatus;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.ReadIndexRequest;
import io.conclave.raft.message.ReadIndexResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * §8 read-only queries with ReadIndex (thesis §6.4): a leader answers a read only after it has
 * committed an entry of its own term (a fresh leader holds reads until its no-op commits), and only
 * after a heartbeat round started after the read was issued has been acknowledged by a majority; a
 * leader cut off from the majority never answers; followers forward reads to the leader.
 */
class ReadIndexTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void freshLeaderHoldsReadsUntilItsNoOpCommits() {
        Net net = Net.of(THREE);
        net.dropIf(m -> m instanceof AppendEntries);
        net.elect(1);
        long noOp = net.node(1).lastIndex();
        assertThat(net.node(1).readIndex(bytes("r"))).isEqualTo(ReadStatus.ACCEPTED);
        net.run(3); // heartbeats are answered, but the no-op is not committed
        assertThat(net.node(1).commitIndex()).isLessThan(noOp);
        assertThat(net.host(1).readStates).isEmpty();
        net.clearDropRules();
        net.run(1);
        assertThat(net.node(1).commitIndex()).isEqualTo(noOp);
        assertThat(net.host(1).readStates).containsExactly(new ReadState(noOp, bytes("r")));
    }

    @Test
    void readWaitsForAHeartbeatRoundStartedAfterItWasIssued() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.tick(1);
        net.process(1);
        List<Message> earlierRound = net.take(m -> m instanceof Heartbeat);
        assertThat(earlierRound).hasSize(2);
        net.node(1).readIndex(bytes("r"));
        net.process(1);
        List<Message> laterRound = net.take(m -> m instanceof Heartbeat);
        assertThat(laterRound).hasSize(2);
        assertThat(((Heartbeat) laterRound.get(0)).round()).isGreaterThan(((Heartbeat) earlierRound.get(0)).round());
        earlierRound.forEach(net::inject);
        net.stabilize();
        assertThat(net.host(1).readStates).isEmpty();
        laterRound.forEach(net::inject);
        net.stabilize();
        assertThat(net.host(1).readStates).containsExactly(new ReadState(net.node(1).commitIndex(), bytes("r")));
    }

    @Test
    void readNeedsAcknowledgementsFromAMajorityNotJustOneFollower() {
        Net net = Net.of(1, 2, 3, 4, 5);
        net.elect(1);
        net.partition(Set.of(1L, 2L));
        net.node(1).readIndex(bytes("r"));
        net.stabilize();
        assertThat(net.host(1).readStates).isEmpty();
        net.heal();
        net.stabilize();
        net.run(1);
        assertThat(net.host(1).readStates).hasSize(1);
    }

    @Test
    void readIndexIsTheCommitIndexWhenTheReadWasIssued() {
        Net net = Net.of(THREE);
        net.elect(1);
        long commitAtRead = net.node(1).commitIndex();
        net.node(1).readIndex(bytes("r"));
        net.node(1).propose(bytes("later write"));
        net.stabilize();
        assertThat(net.node(1).commitIndex()).isGreaterThan(commitAtRead);
        assertThat(net.host(1).readStates).containsExactly(new ReadState(commitAtRead, bytes("r")));
    }

    @Test
    void staleLeaderNeverAnswersAReadIssuedDuringAPartitionWhileANewLeaderCommitsWrites() {
        Net net = Net.of(id -> RaftConfig.builder(id).checkQuorum(false).build(), THREE);
        net.elect(1);
        net.node(1).propose(bytes("a"));
        net.stabilize();
        net.isolate(1);
        assertThat(net.node(1).readIndex(bytes("stale"))).isEqualTo(ReadStatus.ACCEPTED);
        net.node(2).campaign();
        for (int i = 0; i < 30 && !net.node(2).isLeader(); i++) {
            net.tick(2);
            net.tick(3);
            net.stabilize();
        }
        assertThat(net.node(2).isLeader()).isTrue();
        net.node(2).propose(bytes("b"));
        for (int i = 0; i < 50; i++) {
            net.tickAll();
            net.stabilize();
        }
        assertThat(net.host(2).appliedData()).containsExactly("a", "b");
        assertThat(net.node(1).isLeader()).isTrue(); // it still believes it leads (no check-quorum)
        assertThat(net.host(1).readStates).isEmpty();
        net.heal();
        net.run(20);
        assertThat(net.node(1).isLeader()).isFalse();
        assertThat(net.host(1).readStates).isEmpty();
    }

    @Test
    void followerForwardsReadsToTheLeaderAndGetsItsCommitIndex() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.node(1).propose(bytes("a"));
        net.stabilize();
        assertThat(net.node(2).readIndex(bytes("f"))).isEqualTo(ReadStatus.FORWARDED);
        net.stabilize();
        assertThat(net.sentOf(ReadIndexRequest.class, 2, 1)).hasSize(1);
        assertThat(net.sentOf(ReadIndexResponse.class, 1, 2)).hasSize(1);
        assertThat(net.host(2).readStates).containsExactly(new ReadState(net.node(1).commitIndex(), bytes("f")));
    }

    @Test
    void forwardedReadToAFreshLeaderIsAnsweredOnlyAfterItsNoOpCommits() {
        Net net = Net.of(THREE);
        net.dropIf(m -> m instanceof AppendEntries);
        net.elect(1);
        long noOp = net.node(1).lastIndex();
        net.node(3).step(new Heartbeat(1, 3, net.node(1).term(), 0, 0)); // node 3 learns who leads
        assertThat(net.node(3).readIndex(bytes("f"))).isEqualTo(ReadStatus.FORWARDED);
        net.stabilize();
        assertThat(net.sentOf(ReadIndexRequest.class, 3, 1)).hasSize(1);
        assertThat(net.host(3).readStates).isEmpty();
        net.clearDropRules();
        net.run(3);
        assertThat(net.node(1).commitIndex()).isEqualTo(noOp);
        assertThat(net.host(3).readStates).containsExactly(new ReadState(noOp, bytes("f")));
    }

    @Test
    void followerThatKnowsNoLeaderCannotRead() {
        Net net = Net.of(THREE);
        assertThat(net.node(2).readIndex(bytes("r"))).isEqualTo(ReadStatus.NO_LEADER);
    }

    @Test
    void singleNodeAnswersReadsAtOnceOnceItsNoOpCommitted() {
        Net net = Net.of(1);
        net.elect(1);
        net.node(1).readIndex(bytes("r"));
        net.process(1);
        assertThat(net.host(1).readStates).containsExactly(new ReadState(net.node(1).commitIndex(), bytes("r")));
    }

    @Test
    void noReadIsAnsweredBelowAWriteCommittedBeforeItWasIssued_randomized() {
        for (long seed = 1; seed <= 3; seed++) {
            ReadSafety.Outcome o = ReadSafety.run(seed, io.conclave.raft.ReadMode.READ_INDEX);
            assertThat(o.violation()).as("seed %d", seed).isNull();
            assertThat(o.answered()).as("seed %d", seed).isGreaterThan(100);
        }
    }
}
