package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.raft.ConfChange;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.GroupState;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.Transport;
import io.conclave.transport.TransportStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's seed 41 on three real runtimes: a bit flips in node 3's segments while its node is
 * down; recovery finds the group's log corrupt and lost. The replica restarts from its snapshot,
 * rejoins (no votes, demoted to a learner), takes the entries the leader re-sends after probing, and is
 * promoted back; every node ends with the same committed values. While it has not caught up it cannot
 * help elect a leader: with the leader down as well, the remaining voter stays without one.
 */
class CorruptLogRejoinTest {

    private static final long GROUP = 21;

    private TestCluster cluster;
    /** What each node's replica of the group sent (node 3's is reset at its restart). */
    private final Map<Long, Sent> sent = Map.of(1L, new Sent(), 2L, new Sent(), 3L, new Sent());

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaWhoseSegmentFailedItsChecksumRejoinsFromItsSnapshotAndTheGroupConverges() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build(),
                (id, incarnation) -> new Recording(cluster.network.endpoint(id), sent.get(id)));
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(GROUP, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(GROUP), Duration.ofSeconds(15));
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            before.add("v" + i);
            cluster.propose(GROUP, "v" + i, Duration.ofSeconds(10));
        }
        Await.until(Duration.ofSeconds(10), () -> cluster.machine(3).values(GROUP).equals(before),
                () -> "node 3 applied every value: " + cluster.describe(GROUP));

        cluster.stop(3); // a clean stop: the entries are in node 3's segments
        flipBitInFirstRecord((SimDisk) cluster.disk(3));
        long leader = cluster.leaderOf(GROUP);
        long lastBeforeRestart = cluster.status(leader, GROUP).lastIndex();
        // The leader goes down too: the other voter campaigns, and node 3 (not caught up) must not vote.
        long other = leader == 1 ? 2 : 1;
        cluster.stop(leader);
        sent.get(3L).reset();
        cluster.start(3);

        GroupLog lost = cluster.node(3).storage().group(GROUP);
        assertThat(lost.state()).as("recovery found the log corrupt").isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(lost.hardState().term()).as("the term survives the lost log").isPositive();
        assertThat(cluster.node(3).rejoiningGroups()).containsExactly(GROUP);
        long asked = sent.get(other).voteRequests.get();
        Await.until(Duration.ofSeconds(20), () -> sent.get(other).voteRequests.get() >= asked + 6,
                () -> "node " + other + " campaigned: " + cluster.describe(GROUP));
        assertThat(cluster.leaderOf(GROUP)).as("no leader without node 3's vote").isZero();
        assertThat(sent.get(3L).votes()).as("node 3 sent no vote while rejoining").isEmpty();
        assertThat(cluster.status(3, GROUP).rejoining()).isTrue();

        cluster.start(leader);
        Await.until(Duration.ofSeconds(30), () -> cluster.node(3).stats().loops().rejoinsCompleted() == 1,
                () -> "node 3 finished rejoining: " + cluster.describe(GROUP));
        assertThat(cluster.node(3).stats().loops().rejoinsDemoted()).isEqualTo(1);
        assertThat(lost.state()).isEqualTo(GroupState.WRITABLE);
        assertThat(cluster.status(3, GROUP).broken()).isFalse();
        assertThat(sent.get(3L).ackedMax.get()).as("node 3 acknowledged the re-sent log").isGreaterThanOrEqualTo(lastBeforeRestart);

        List<String> after = new ArrayList<>(before);
        after.add("after");
        cluster.propose(GROUP, "after", Duration.ofSeconds(10));
        for (long id = 1; id <= 3; id++) {
            long node = id;
            Await.until(Duration.ofSeconds(15), () -> cluster.machine(node).values(GROUP).equals(after),
                    () -> "node " + node + " applied the same values: " + cluster.machine(node).values(GROUP));
        }

        // Node 3 votes again, and only ever did so with the log it had before its loss.
        long current = cluster.leaderOf(GROUP);
        cluster.stop(current);
        Set<Long> rest = Set.of(1L, 2L, 3L).stream().filter(n -> n != current).collect(Collectors.toSet());
        Await.until(Duration.ofSeconds(30), () -> cluster.leaderOf(GROUP, rest) != 0,
                () -> "a new leader among " + rest + ": " + cluster.describe(GROUP));
        assertThat(sent.get(3L).votes()).as("node 3 voted in the election").isNotEmpty();
        assertThat(sent.get(3L).votes()).as("the log node 3 had acknowledged when it voted")
                .allSatisfy(acked -> assertThat(acked).isGreaterThanOrEqualTo(lastBeforeRestart));
    }

    /**
     * Node 3 was once demoted to a learner and promoted back by an operator; its last snapshot was
     * taken in between, so after its log is lost it restarts as a learner by that snapshot. That is its
     * past, not the demotion it must ask for now: it must not count itself demoted (and go on to
     * promotion) before its own request of this incarnation is applied — until then it may lack
     * entries it had acknowledged.
     */
    @Test
    void aReplayedOldDemotionIsNotTakenForTheRejoiningReplicasOwn() {
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().snapshotEntries(15).build(),
                (id, incarnation) -> new Recording(cluster.network.endpoint(id), sent.get(id)));
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.createGroup(GROUP, Set.of(1L, 2L, 3L));
        cluster.awaitLeaders(List.of(GROUP), Duration.ofSeconds(15));
        List<String> values = new ArrayList<>();
        propose(values, "v", 5);
        long demotedAt = changeMembership(ConfChange.addLearner(3));
        propose(values, "w", 12);
        long promotedAt = changeMembership(ConfChange.addVoter(3));
        propose(values, "x", 2);
        Await.until(Duration.ofSeconds(10), () -> cluster.machine(3).values(GROUP).equals(values),
                () -> "node 3 applied every value: " + cluster.describe(GROUP));
        long snapshot = cluster.status(3, GROUP).snapshotIndex();
        assertThat(snapshot).as("node 3's snapshot lies between the old demotion and promotion")
                .isGreaterThan(demotedAt).isLessThan(promotedAt);

        cluster.stop(3);
        flipBitInFirstRecord((SimDisk) cluster.disk(3));
        long leader = cluster.leaderOf(GROUP);
        long other = leader == 1 ? 2 : 1;
        cluster.stop(leader);
        cluster.start(3);
        assertThat(cluster.node(3).storage().group(GROUP).state()).isEqualTo(GroupState.NEEDS_SNAPSHOT);
        assertThat(cluster.status(3, GROUP).confState().learners()).as("a learner by its snapshot").contains(3L);
        long asked = sent.get(other).voteRequests.get();
        Await.until(Duration.ofSeconds(20), () -> sent.get(other).voteRequests.get() >= asked + 6,
                () -> "node " + other + " campaigned: " + cluster.describe(GROUP));
        assertThat(cluster.node(3).stats().loops().rejoinsDemoted())
                .as("no demotion of its own yet: the one it replayed is from before the loss").isZero();
        assertThat(cluster.status(3, GROUP).rejoining()).isTrue();

        cluster.start(leader);
        Await.until(Duration.ofSeconds(30), () -> cluster.node(3).stats().loops().rejoinsCompleted() == 1,
                () -> "node 3 finished rejoining: " + cluster.describe(GROUP));
        assertThat(cluster.node(3).stats().loops().rejoinsDemoted()).isEqualTo(1);
        propose(values, "after", 1);
        for (long id = 1; id <= 3; id++) {
            long node = id;
            Await.until(Duration.ofSeconds(15), () -> cluster.machine(node).values(GROUP).equals(values),
                    () -> "node " + node + " applied the same values: " + cluster.machine(node).values(GROUP));
        }
    }

    /**
     * Proposes {@code count} values one by one, each applied on node 3 before the next: node 3 applies one
     * entry at a time, so its snapshot falls exactly every {@code snapshotEntries} entries (on a loaded
     * machine it could otherwise apply a lagging batch at once and snapshot later).
     */
    private void propose(List<String> values, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
            cluster.propose(GROUP, prefix + i, Duration.ofSeconds(10));
            int applied = values.size();
            Await.until(Duration.ofSeconds(10), () -> cluster.machine(3).values(GROUP).size() >= applied,
                    () -> "node 3 applied " + applied + " values: " + cluster.machine(3).values(GROUP));
        }
    }

    /** Proposes {@code cc} through whichever node leads, retrying on NOT_LEADER; returns its index once applied there. */
    private long changeMembership(ConfChange cc) {
        return cluster.atLeader(GROUP, Duration.ofSeconds(15), r -> r.changeMembership(GROUP, cc),
                () -> "membership change " + cc + ": " + cluster.describe(GROUP));
    }

    /** Corrupts the first record of the group's first segment (intact records follow: not a torn tail). */
    private static void flipBitInFirstRecord(SimDisk disk) {
        String dir = "data/storage/groups/" + GROUP + "/log";
        try {
            String first = disk.list(dir).stream().filter(n -> n.endsWith(".log")).sorted().findFirst().orElseThrow();
            disk.flipBit(dir + "/" + first, 40, 2);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A node's outgoing messages of the group: vote requests (pre-votes included) sent, the highest
     * index it acknowledged, and at each vote message (request or answer) the log it had acknowledged.
     */
    private static final class Sent {
        final AtomicLong voteRequests = new AtomicLong();
        final AtomicLong ackedMax = new AtomicLong();
        private final List<Long> votes = Collections.synchronizedList(new ArrayList<>());

        void reset() {
            ackedMax.set(0);
            votes.clear();
        }

        void record(long groupId, Message m) {
            if (groupId != GROUP) {
                return;
            }
            if (m instanceof AppendResponse r && !r.reject()) {
                ackedMax.accumulateAndGet(r.index(), Math::max);
            } else if (m instanceof RequestVote || m instanceof VoteResponse) {
                if (m instanceof RequestVote) {
                    voteRequests.incrementAndGet();
                }
                votes.add(m instanceof RequestVote v ? Math.max(v.lastLogIndex(), ackedMax.get()) : ackedMax.get());
            }
        }

        List<Long> votes() {
            synchronized (votes) {
                return new ArrayList<>(votes);
            }
        }
    }

    /** A transport that tells {@link Sent} what it sends. */
    private static final class Recording implements Transport {
        private final Transport inner;
        private final Sent sent;

        Recording(Transport inner, Sent sent) {
            this.inner = inner;
            this.sent = sent;
        }

        @Override
        public long localNode() {
            return inner.localNode();
        }

        @Override
        public boolean send(long toNode, long groupId, Message message) {
            sent.record(groupId, message);
            return inner.send(toNode, groupId, message);
        }

        @Override
        public boolean sendPriority(long toNode, long groupId, Message message) {
            sent.record(groupId, message);
            return inner.sendPriority(toNode, groupId, message);
        }

        @Override
        public boolean sendLiveness(long toNode, Liveness signal) {
            return inner.sendLiveness(toNode, signal);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void setInboundHandler(InboundHandler handler) {
            inner.setInboundHandler(handler);
        }

        @Override
        public Set<Long> peers() {
            return inner.peers();
        }

        @Override
        public TransportStats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
