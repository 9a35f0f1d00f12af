package io.conclave.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.harness.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmokeTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> strings(List<byte[]> l) {
        return l.stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void threeNodesElectALeaderAndReplicate() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        assertThat(c.node(l).propose(b("a")).accepted()).isTrue();
        assertThat(c.node(l).propose(b("b")).accepted()).isTrue();
        c.stabilize();
        for (Cluster.Member m : c.members()) {
            assertThat(strings(m.appliedData())).containsExactly("a", "b");
        }
    }

    @Test
    void singleNodeCommitsAlone() {
        Cluster c = Cluster.of(1);
        long l = c.electLeader();
        c.node(l).propose(b("x"));
        c.stabilize();
        assertThat(strings(c.member(l).appliedData())).containsExactly("x");
    }

    @Test
    void leaderCrashElectsAnotherAndRestartCatchesUp() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        c.node(l).propose(b("a"));
        c.stabilize();
        c.crash(l);
        long l2 = c.electLeader();
        assertThat(l2).isNotEqualTo(l);
        c.node(l2).propose(b("b"));
        c.stabilize();
        c.restart(l);
        c.run(20);
        assertThat(strings(c.member(l).appliedData())).containsExactly("a", "b");
    }

    @Test
    void farBehindFollowerGetsSnapshotInChunks() {
        Cluster c = new Cluster(id -> RaftConfig.builder(id).snapshotChunkBytes(3).build(), 7, Set.of(), 1, 2, 3);
        long l = c.electLeader();
        long lag = l == 3 ? 2 : 3;
        c.crash(lag);
        for (int i = 0; i < 20; i++) {
            c.node(l).propose(b("v" + i));
        }
        c.stabilize();
        Cluster.Member lm = c.member(l);
        long applied = lm.lastApplied();
        lm.storage.createSnapshot(applied, lm.confState, b("snapshot-state-0123456789"));
        lm.storage.compact(applied);
        for (Cluster.Member m : c.members()) {
            if (m.id != lag && m.id != l) {
                m.storage.createSnapshot(applied, m.confState, b("snapshot-state-0123456789"));
                m.storage.compact(applied);
            }
        }
        c.restart(lag);
        c.run(30);
        assertThat(c.member(lag).installedSnapshot).isEqualTo(b("snapshot-state-0123456789"));
        c.node(l).propose(b("after"));
        c.stabilize();
        assertThat(strings(c.member(lag).appliedData())).containsExactly("after");
        assertThat(c.member(lag).storage.snapshot().index()).isEqualTo(applied);
    }

    @Test
    void readIndexIsAnsweredAfterQuorumConfirmation() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        c.node(l).propose(b("a"));
        c.stabilize();
        assertThat(c.node(l).readIndex(b("r1"))).isEqualTo(ReadStatus.ACCEPTED);
        c.stabilize();
        assertThat(c.member(l).readStates).hasSize(1);
        assertThat(c.member(l).readStates.get(0).index()).isEqualTo(c.node(l).commitIndex());
        long f = l == 1 ? 2 : 1;
        assertThat(c.node(f).readIndex(b("r2"))).isEqualTo(ReadStatus.FORWARDED);
        c.stabilize();
        assertThat(c.member(f).readStates).hasSize(1);
    }

    @Test
    void isolatedLeaderCannotServeReadIndex() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        c.stabilize();
        c.isolate(l);
        c.node(l).readIndex(b("r"));
        c.stabilize();
        assertThat(c.member(l).readStates).isEmpty();
    }

    @Test
    void addLearnerThenPromoteToVoter() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        c.addNode(4);
        assertThat(c.node(l).proposeConfChange(ConfChange.addLearner(4)).accepted()).isTrue();
        c.stabilize();
        c.node(l).propose(b("x"));
        c.run(5);
        assertThat(strings(c.member(4).appliedData())).containsExactly("x");
        assertThat(c.member(l).confState.learners()).containsExactly(4L);
        assertThat(c.node(l).proposeConfChange(ConfChange.addVoter(4)).accepted()).isTrue();
        c.run(5);
        assertThat(c.member(l).confState.voters()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void jointChangeReplacesTwoVotersAndLeavesAutomatically() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        c.addNode(4);
        c.addNode(5);
        long r1 = l == 1 ? 2 : 1;
        long r2 = 6 - l - r1;
        ConfChange cc = ConfChange.of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, 4),
                new ConfChangeSingle(ConfChangeType.ADD_VOTER, 5),
                new ConfChangeSingle(ConfChangeType.REMOVE_NODE, r1),
                new ConfChangeSingle(ConfChangeType.REMOVE_NODE, r2));
        assertThat(c.node(l).proposeConfChange(cc).accepted()).isTrue();
        assertThat(c.node(l).proposeConfChange(ConfChange.addVoter(6)).status())
                .isEqualTo(ProposeResult.Status.CONF_CHANGE_PENDING);
        c.run(20);
        assertThat(c.member(l).confState.isJoint()).isFalse();
        assertThat(c.member(l).confState.voters()).containsExactly(l, 4L, 5L);
    }

    @Test
    void leadershipTransferMovesLeader() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        long t = l == 3 ? 1 : 3;
        c.node(l).transferLeadership(t);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(t);
    }

    @Test
    void leaseReadAnsweredWithoutRoundTripWhileLeaseHolds() {
        Cluster c = new Cluster(id -> RaftConfig.builder(id).leaseReads(true).build(), 3, Set.of(), 1, 2, 3);
        long l = c.electLeader();
        c.run(2); // heartbeats acknowledged: lease established
        int before = c.delivered;
        c.node(l).readIndex(b("lease"), ReadMode.LEASE);
        c.processReady(l);
        assertThat(c.member(l).readStates).hasSize(1);
        assertThat(c.delivered).isEqualTo(before);
    }

    @Test
    void leaderMessageWithoutATermIsDropped() {
        Cluster c = Cluster.of(3);
        long l = c.electLeader();
        long f = l == 1 ? 2 : 1;
        long commit = c.node(f).commitIndex();
        c.node(f).step(new io.conclave.raft.message.AppendEntries(l, f, 0, commit, c.node(f).term(),
                java.util.List.of(Entry.normal(0, commit + 1, b("forged"))), commit + 1));
        assertThat(c.node(f).lastIndex()).isEqualTo(commit);
        assertThat(c.node(f).getLeader()).isEqualTo(l);
    }
}
