package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import io.conclave.raft.storage.MemoryStorage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * §5.1 terms and §5.2 leader election, §5.4.1 election restriction: randomized election timeouts in
 * [E, 2E), at most one vote per term (also across a restart), stepping down on a higher term, stale
 * terms rejected, candidates with out-of-date logs denied, split votes resolved by later terms.
 */
class ElectionTest {

    private static final long[] THREE = {1, 2, 3};

    private static RaftConfig classic(long id) {
        return RaftConfig.builder(id).preVote(false).checkQuorum(false).build();
    }

    private static int ticksUntilCampaign(long seed) {
        RaftConfig cfg = RaftConfig.builder(1).preVote(false).build();
        RaftNode n = new RaftNode(cfg, MemoryStorage.withVoters(THREE), RandomSource.seeded(seed));
        for (int t = 1; t <= 100; t++) {
            n.tick();
            if (n.role() == StateRole.CANDIDATE) {
                return t;
            }
        }
        throw new AssertionError("never campaigned");
    }

    @Test
    void electionTimeoutIsRandomizedWithinOneToTwoElectionTimeoutsAndDiffersAcrossSeeds() {
        int e = RaftConfig.defaults(1).electionTimeoutTicks();
        Set<Integer> seen = new HashSet<>();
        for (long seed = 1; seed <= 40; seed++) {
            int t = ticksUntilCampaign(seed);
            assertThat(t).isBetween(e, 2 * e - 1);
            seen.add(t);
        }
        assertThat(seen).hasSizeGreaterThan(3);
        assertThat(ticksUntilCampaign(7)).isEqualTo(ticksUntilCampaign(7));
    }

    @Test
    void twoNodesOfOneClusterTimeOutAtDifferentTicks() {
        Net net = new Net(ElectionTest::classic, 5, Set.of());
        net.voters(THREE);
        int[] firstCampaign = new int[4];
        for (int t = 1; t <= 40; t++) {
            for (long id = 1; id <= 3; id++) {
                net.tick(id);
                if (firstCampaign[(int) id] == 0 && net.node(id).role() == StateRole.CANDIDATE) {
                    firstCampaign[(int) id] = t;
                }
            }
        }
        assertThat(Set.of(firstCampaign[1], firstCampaign[2], firstCampaign[3])).hasSizeGreaterThan(1);
    }

    @Test
    void candidateWithVotesFromAMajorityBecomesLeaderAndOthersFollowIt() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.elect(1);
        assertThat(net.node(1).term()).isEqualTo(1);
        assertThat(net.node(2).getLeader()).isEqualTo(1);
        assertThat(net.node(3).getLeader()).isEqualTo(1);
        assertThat(net.node(2).role()).isEqualTo(StateRole.FOLLOWER);
    }

    @Test
    void nodeGrantsAtMostOneVotePerTerm() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.node(3).step(new RequestVote(1, 3, 1, 0, 0, false, false));
        net.node(3).step(new RequestVote(2, 3, 1, 0, 0, false, false));
        net.process(3);
        List<VoteResponse> answers = net.sentOf(VoteResponse.class, 3, 0);
        assertThat(answers).extracting(VoteResponse::to, VoteResponse::granted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, true),
                        org.assertj.core.groups.Tuple.tuple(2L, false));
        assertThat(net.host(3).storage.hardState()).isEqualTo(new HardState(1, 1, 0));
    }

    @Test
    void voteIsPersistedBeforeItIsSentAndSurvivesARestart() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.node(3).step(new RequestVote(1, 3, 1, 0, 0, false, false));
        var rd = net.node(3).ready();
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.hardState()).isEqualTo(new HardState(1, 1, 0));
        assertThat(rd.messages()).allMatch(m -> !m.canSendBeforePersist());
        net.persist(3, rd);
        net.applyAndAdvance(3, rd);
        net.crash(3);
        net.restart(3);
        net.node(3).step(new RequestVote(2, 3, 1, 0, 0, false, false));
        Message answer = net.node(3).ready().messages().get(0);
        assertThat(((VoteResponse) answer).granted()).isFalse();
    }

    @Test
    void sameCandidateAskingTwiceInOneTermGetsTheVoteAgain() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.node(3).step(new RequestVote(1, 3, 1, 0, 0, false, false));
        net.node(3).step(new RequestVote(1, 3, 1, 0, 0, false, false));
        net.process(3);
        assertThat(net.sentOf(VoteResponse.class, 3, 1)).extracting(VoteResponse::granted).containsExactly(true, true);
    }

    @Test
    void leaderStepsDownWhenItSeesAHigherTerm() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.elect(1);
        net.node(1).step(new AppendResponse(2, 1, 5, 0, false, 0, 0));
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(1).term()).isEqualTo(5);
    }

    @Test
    void leaderStepsDownOnAVoteRequestOfAHigherTermWhenNotSticky() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.elect(1);
        net.node(1).step(new RequestVote(3, 1, 4, 10, 4, false, false));
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(1).term()).isEqualTo(4);
    }

    @Test
    void candidateStepsDownWhenItSeesAHigherTerm() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.node(1).campaign();
        assertThat(net.node(1).role()).isEqualTo(StateRole.CANDIDATE);
        net.node(1).step(new VoteResponse(2, 1, 3, false, false));
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(1).term()).isEqualTo(3);
    }

    @Test
    void candidateThatHearsALeaderOfItsTermBecomesItsFollower() {
        Net net = Net.of(ElectionTest::classic, THREE);
        net.node(1).campaign();
        net.node(1).step(new Heartbeat(2, 1, 1, 0, 1));
        assertThat(net.node(1).role()).isEqualTo(StateRole.FOLLOWER);
        assertThat(net.node(1).getLeader()).isEqualTo(2);
        assertThat(net.node(1).term()).isEqualTo(1);
    }

    @Test
    void appendFromAStaleTermIsRejectedAndTellsTheSenderTheCurrentTerm() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        for (long id : THREE) {
            net.add(id, Net.storage(THREE, new HardState(4, 0, 0)));
        }
        net.elect(1);
        long term = net.node(2).term();
        net.node(2).step(new AppendEntries(3, 2, term - 1, 0, 0, List.of(), 0));
        net.process(2);
        AppendResponse r = net.sentOf(AppendResponse.class, 2, 3).get(0);
        assertThat(r.term()).isEqualTo(term);
        assertThat(net.node(2).getLeader()).isEqualTo(1);
        assertThat(net.host(2).storage.lastIndex()).isEqualTo(net.node(1).lastIndex());
    }

    @Test
    void candidateWithStaleLastTermIsDeniedVotes() {
        long[] v = THREE;
        Net net = new Net(ElectionTest::classic, 1, Set.of());
        net.add(1, Net.storage(v, new HardState(2, 0, 1), 1, 1));
        net.add(2, Net.storage(v, new HardState(2, 0, 1), 1, 2));
        net.add(3, Net.storage(v, new HardState(2, 0, 1), 1, 2));
        net.node(1).campaign();
        net.stabilize();
        assertThat(net.node(1).isLeader()).isFalse();
        assertThat(net.sentOf(VoteResponse.class, 0, 1)).extracting(VoteResponse::granted).containsOnly(false);
        net.elect(2);
        assertThat(net.host(1).logTerms()).containsExactly(1L, 2L, net.node(2).term());
    }

    @Test
    void candidateWithShorterLogOfTheSameLastTermIsDeniedVotes() {
        long[] v = THREE;
        Net net = new Net(ElectionTest::classic, 1, Set.of());
        net.add(1, Net.storage(v, new HardState(2, 0, 1), 1, 2));
        net.add(2, Net.storage(v, new HardState(2, 0, 1), 1, 2, 2));
        net.add(3, Net.storage(v, new HardState(2, 0, 1), 1, 2, 2));
        net.node(1).campaign();
        net.stabilize();
        assertThat(net.node(1).isLeader()).isFalse();
        net.elect(3);
        assertThat(net.node(3).term()).isGreaterThan(2);
    }

    @Test
    void candidateWithAnUpToDateLogWinsOverVotersWithShorterLogs() {
        long[] v = THREE;
        Net net = new Net(ElectionTest::classic, 1, Set.of());
        net.add(1, Net.storage(v, new HardState(2, 0, 1), 1, 2, 2));
        net.add(2, Net.storage(v, new HardState(2, 0, 1), 1));
        net.add(3, Net.storage(v, new HardState(2, 0, 1), 1, 2));
        net.elect(1);
        net.stabilize();
        assertThat(net.host(2).logTerms()).containsExactly(1L, 2L, 2L, 3L);
    }

    @Test
    void splitVoteElectsNobodyAndALaterTermResolvesIt() {
        Net net = new Net(ElectionTest::classic, 3, Set.of());
        net.voters(THREE);
        net.isolate(3);
        net.node(1).campaign();
        net.node(2).campaign();
        net.stabilize();
        assertThat(net.leader()).isZero();
        assertThat(net.node(1).term()).isEqualTo(1);
        assertThat(net.node(2).term()).isEqualTo(1);
        net.heal();
        long leader = net.awaitLeader();
        assertThat(net.node(leader).term()).isGreaterThan(1);
        int leaders = 0;
        for (long id : net.ids()) {
            leaders += net.node(id).isLeader() ? 1 : 0;
        }
        assertThat(leaders).isEqualTo(1);
        assertThat(net.node(leader).propose(bytes("x")).accepted()).isTrue();
    }
}
