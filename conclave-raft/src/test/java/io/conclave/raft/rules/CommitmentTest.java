package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.Ready;
import io.conclave.raft.message.AppendEntries;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * §5.3 commitment and §5.4.2 committing entries from previous terms: a leader commits only by
 * counting replicas of an entry of its own term (Figure 8); earlier entries commit indirectly with
 * it. The leader counts its own log only once the host has persisted it (advance), so before that an
 * entry commits only with a majority of followers, and a single node commits only after advance.
 * Committed entries reach the host in Readies of at most maxCommittedBytesPerReady.
 */
class CommitmentTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void leaderNeverCommitsPreviousTermEntryByCountingReplicas_figure8() {
        Figure8 f = new Figure8(Set.of());
        f.s1LeadsTerm4AndCopiesIndex2ToAMajority();
        Net net = f.net;
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).term()).isEqualTo(4);
        // Index 2 (term 2) is stored on S1, S2 and S3: a majority of five.
        for (long id : new long[] {1, 2, 3}) {
            assertThat(net.host(id).logTerms().subList(0, 2)).containsExactly(1L, 2L);
        }
        assertThat(net.host(1).logTerms()).containsExactly(1L, 2L, 4L);
        assertThat(net.host(2).logTerms()).containsExactly(1L, 2L);
        assertThat(net.node(1).status().progress().get(3L).match()).isEqualTo(2);
        assertThat(net.node(1).commitIndex()).isEqualTo(1);

        f.s5LeadsTerm5();
        assertThat(net.node(5).isLeader()).isTrue();
        assertThat(net.node(5).term()).isEqualTo(5);
        // S5 overwrote index 2 on S2 and S3: legal, because it was never committed.
        for (long id : new long[] {2, 3, 4, 5}) {
            assertThat(net.host(id).logTerms()).containsExactly(1L, 3L, 5L);
            assertThat(net.node(id).commitIndex()).isEqualTo(3);
        }
    }

    @Test
    void previousTermEntryIsCommittedIndirectlyOnceAnEntryOfTheCurrentTermReachesAMajority_figure8() {
        Figure8 f = new Figure8(Set.of());
        f.s1LeadsTerm4AndCopiesIndex2ToAMajority();
        f.s1ReplicatesItsNoOp();
        Net net = f.net;
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).commitIndex()).isEqualTo(3);
        assertThat(net.host(1).applied).extracting(Entry::term).containsExactly(1L, 2L, 4L);
        // S5 (last term 3) can no longer win: S1..S4 now end in term 4 or hold index 2 of term 2 below it.
        net.heal();
        net.crash(1);
        net.restart(5);
        for (int i = 0; i < 3; i++) {
            net.node(5).campaign();
            net.stabilize();
        }
        assertThat(net.node(5).isLeader()).isFalse();
    }

    @Test
    void entryIsCommittedOnceAMajorityStoresIt() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.cut(1, 3);
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        net.stabilize();
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
        assertThat(net.host(1).appliedData()).containsExactly("x");
        assertThat(net.host(2).appliedData()).containsExactly("x");
        assertThat(net.host(3).appliedData()).isEmpty();
    }

    @Test
    void entryStoredOnlyByAMinorityIsNotCommitted() {
        Net net = Net.of(1, 2, 3, 4, 5);
        net.elect(1);
        net.partition(Set.of(1L, 2L));
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        net.stabilize();
        assertThat(net.node(1).commitIndex()).isLessThan(idx);
        assertThat(net.host(2).storage.lastIndex()).isEqualTo(idx);
    }

    @Test
    void leaderNotYetPersistedCommitsOnlyThroughAFollowerMajority_threeNodes() {
        Net net = Net.of(THREE);
        net.elect(1);
        long before = net.node(1).commitIndex();
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        Ready rd = net.node(1).ready();
        assertThat(rd.entries()).extracting(Entry::index).containsExactly(idx);
        assertThat(rd.messages()).allMatch(m -> m.canSendBeforePersist());
        net.send(rd.messages()); // sent before the leader's own write
        List<?> toThree = net.take(m -> m.to() == 3);
        net.deliverQueued();
        net.process(2);
        net.deliverQueued(); // follower 2's ack: leader (unpersisted) + 2 is one persisted copy of three
        assertThat(net.node(1).commitIndex()).isEqualTo(before);
        toThree.forEach(m -> net.inject((io.conclave.raft.message.Message) m));
        net.deliverQueued();
        net.process(3);
        net.deliverQueued(); // follower 3's ack: two followers are a majority
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
        net.persist(1, rd);
        net.applyAndAdvance(1, rd);
        net.stabilize();
        assertThat(net.host(1).appliedData()).containsExactly("x");
    }

    @Test
    void leaderThatPersistedCommitsWithOneFollower_threeNodes() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.cut(1, 3);
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        Ready rd = net.node(1).ready();
        net.send(rd.messages());
        net.deliverQueued();
        net.process(2);
        net.deliverQueued();
        assertThat(net.node(1).commitIndex()).isLessThan(idx);
        net.persist(1, rd);
        net.applyAndAdvance(1, rd); // now the leader's own copy counts
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
    }

    @Test
    void singleNodeCommitsOnlyAfterTheHostReportsItPersisted() {
        Net net = Net.of(1);
        net.elect(1);
        long before = net.node(1).commitIndex();
        long idx = net.node(1).propose(bytes("x")).lastIndex();
        Ready rd = net.node(1).ready();
        assertThat(rd.committedEntries()).isEmpty();
        assertThat(net.node(1).commitIndex()).isEqualTo(before);
        net.persist(1, rd);
        net.applyAndAdvance(1, rd);
        assertThat(net.node(1).commitIndex()).isEqualTo(idx);
        Ready next = net.process(1);
        assertThat(next.committedEntries()).extracting(Entry::index).containsExactly(idx);
    }

    @Test
    void followersLearnTheCommitIndexFromTheLeaderAndApplyInOrder() {
        Net net = Net.of(THREE);
        net.elect(1);
        for (int i = 0; i < 5; i++) {
            net.node(1).propose(bytes("v" + i));
        }
        net.stabilize();
        for (long id : THREE) {
            assertThat(net.host(id).appliedData()).containsExactly("v0", "v1", "v2", "v3", "v4");
            assertThat(net.node(id).commitIndex()).isEqualTo(net.node(1).lastIndex());
        }
        assertThat(net.sentOf(AppendEntries.class, 1, 2).get(net.sentOf(AppendEntries.class, 1, 2).size() - 1)
                .commit()).isEqualTo(net.node(1).commitIndex());
    }

    @Test
    void committedEntriesAreHandedOutInReadiesOfAtMostMaxCommittedBytesPerReady() {
        Net net = Net.of(id -> RaftConfig.builder(id).maxCommittedBytesPerReady(100).build(), THREE);
        net.elect(1);
        int mark = net.readies.size();
        for (int i = 0; i < 9; i++) {
            net.node(1).propose(bytes("payload-" + i + "!")); // 34 bytes each
        }
        net.stabilize();
        long applied = 0;
        for (var e : net.readies.subList(mark, net.readies.size())) {
            List<Entry> committed = e.getValue().committedEntries();
            assertThat(committed.stream().mapToLong(Entry::sizeBytes).sum()).isLessThanOrEqualTo(100);
            applied += e.getKey() == 1 ? committed.size() : 0;
        }
        assertThat(applied).isEqualTo(9);
        assertThat(net.host(1).appliedData()).hasSize(9);
    }
}
