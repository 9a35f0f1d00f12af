package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.Ready;
import io.conclave.raft.log.RaftLog;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.storage.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Safety invariants checked in code: the core throws {@link IllegalStateException} for a persisted
 * commit index beyond the log (one older than the snapshot or the host's applied index starts
 * there), for an attempt to truncate committed entries, for a commit beyond the
 * log, for a leader that hears another leader of its own term, and for ready() called twice without
 * advance(); programmer errors (a message for another node, a bad config, storage without any
 * membership) throw {@link IllegalArgumentException}.
 */
class InvariantTest {

    private static final long[] THREE = {1, 2, 3};

    @Test
    void persistedCommitIndexBeyondTheLogIsRejectedWhenTheNodeIsBuilt() {
        MemoryStorage s = Net.storage(THREE, new HardState(1, 0, 5), 1, 1);
        assertThatThrownBy(() -> new RaftNode(RaftConfig.defaults(1), s, RandomSource.seeded(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("commit 5");
    }

    @Test
    void persistedCommitIndexOlderThanTheSnapshotStartsAtTheSnapshot() {
        // A host may write the commit index without waiting for its fsync; a snapshot taken since holds
        // only committed entries, so it is the better evidence.
        MemoryStorage s = Net.storage(THREE, new HardState(1, 0, 2), 1, 1, 1, 1, 1);
        s.createSnapshot(4, io.conclave.raft.ConfState.ofVoters(THREE), bytes("sm"));
        s.compact(4);
        RaftNode n = new RaftNode(RaftConfig.defaults(1), s, RandomSource.seeded(1));
        assertThat(n.commitIndex()).isEqualTo(4);
    }

    @Test
    void persistedCommitIndexOlderThanWhatTheHostAppliedStartsAtTheApplied() {
        // A host that rebuilds its node after a failed write may have applied beyond the commit it wrote.
        MemoryStorage s = Net.storage(THREE, new HardState(1, 0, 2), 1, 1, 1, 1, 1);
        RaftNode n = new RaftNode(RaftConfig.builder(1).appliedIndex(4).build(), s, RandomSource.seeded(1));
        assertThat(n.commitIndex()).isEqualTo(4);
        assertThatThrownBy(() -> new RaftNode(RaftConfig.builder(1).appliedIndex(6).build(), s, RandomSource.seeded(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("applied 6");
    }

    @Test
    void nodeStartedOnStorageWithoutAMembershipIsRefused() {
        assertThatThrownBy(() -> new RaftNode(RaftConfig.defaults(4), new MemoryStorage(), RandomSource.seeded(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membership");
    }

    @Test
    void truncatingCommittedEntriesThrows() {
        MemoryStorage s = Net.storage(THREE, new HardState(1, 0, 3), 1, 1, 1);
        RaftLog log = new RaftLog(s, 3, 0);
        List<Entry> conflicting = List.of(Entry.normal(2, 2, bytes("other")));
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, conflicting))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("state machine safety");
        assertThatThrownBy(() -> log.append(conflicting))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void followerAnswersAConflictingAppendBelowItsCommitIndexWithoutTruncating() {
        Net net = new Net(RaftConfig::defaults, 1, java.util.Set.of());
        net.add(2, Net.storage(THREE, new HardState(1, 0, 3), 1, 1, 1));
        net.node(2).step(new AppendEntries(1, 2, 2, 1, 1, List.of(Entry.normal(2, 2, bytes("other"))), 3));
        net.process(2);
        assertThat(net.host(2).logTerms()).containsExactly(1L, 1L, 1L);
        assertThat(net.sentOf(AppendResponse.class, 2, 1).get(0)).isEqualTo(AppendResponse.accept(2, 1, 2, 3));
    }

    @Test
    void commitBeyondTheLastIndexThrows() {
        RaftLog log = new RaftLog(Net.storage(THREE, HardState.EMPTY, 1, 1), 0, 0);
        assertThatThrownBy(() -> log.commitTo(3)).isInstanceOf(IllegalStateException.class);
        log.commitTo(2);
        log.commitTo(1); // never goes back
        assertThat(log.committed()).isEqualTo(2);
    }

    @Test
    void leaderThatHearsAnotherLeaderOfItsOwnTermThrows() {
        Net net = Net.of(THREE);
        net.elect(1);
        long term = net.node(1).term();
        assertThatThrownBy(() -> net.node(1).step(new Heartbeat(2, 1, term, 0, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("election safety");
    }

    @Test
    void readyCalledTwiceWithoutAdvanceThrows() {
        Net net = Net.of(THREE);
        net.node(1).campaign();
        Ready rd = net.node(1).ready();
        assertThat(net.node(1).hasReady()).isFalse();
        assertThatThrownBy(() -> net.node(1).ready()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("advance");
        net.node(1).advance(rd);
        assertThatThrownBy(() -> net.node(1).advance(rd)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void messageForAnotherNodeAndInvalidConfigsAreProgrammerErrors() {
        Net net = Net.of(THREE);
        assertThatThrownBy(() -> net.node(1).step(new Heartbeat(2, 3, 1, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftConfig.builder(1).electionTimeoutTicks(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("electionTimeoutTicks");
        assertThatThrownBy(() -> RaftConfig.builder(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> RaftConfig.builder(1).maxInflightMessages(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInflightMessages");
    }
}
