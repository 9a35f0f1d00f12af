package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * §5.3 log replication and the Log Matching property: the leader's no-op at term start, the
 * consistency check on (prevLogIndex, prevLogTerm), truncation of a conflicting suffix, fast back-off
 * with conflict term/index hints (O(terms) round trips, not O(entries)), probe mode (one append at a
 * time), pipelining in replicate mode bounded by maxInflightMessages and maxInflightBytes, appends
 * split at maxMessageBytes, and batching of proposals made between two ready() calls into one
 * append per follower.
 */
class ReplicationTest {

    private static final long[] THREE = {1, 2, 3};

    private static long appendsTo(List<Message> msgs, long to) {
        return msgs.stream().filter(m -> m instanceof AppendEntries && m.to() == to).count();
    }

    @Test
    void leaderAppendsAnEmptyNoOpEntryOfItsTermWhenItTakesOver() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        for (long id : THREE) {
            net.add(id, Net.storage(THREE, new HardState(2, 0, 1), 1, 2));
        }
        net.elect(1);
        long term = net.node(1).term();
        assertThat(term).isEqualTo(3);
        List<Entry> noOp = net.host(1).storage.entries(3, 4, Long.MAX_VALUE);
        assertThat(noOp).containsExactly(Entry.normal(3, 3, null));
        assertThat(net.node(1).commitIndex()).isEqualTo(3);
        for (long id : THREE) {
            assertThat(net.host(id).logTerms()).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void followerRejectsAppendWhosePrevLogTermDoesNotMatch() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(2, Net.storage(THREE, new HardState(2, 0, 1), 1, 1, 2));
        net.node(2).step(new AppendEntries(1, 2, 3, 3, 3, List.of(Entry.normal(3, 4, bytes("x"))), 1));
        net.process(2);
        AppendResponse r = net.sentOf(AppendResponse.class, 2, 1).get(0);
        assertThat(r.reject()).isTrue();
        assertThat(r.index()).isEqualTo(3);
        assertThat(net.host(2).logTerms()).containsExactly(1L, 1L, 2L);
    }

    @Test
    void followerRejectsAppendWhosePrevLogIndexIsBeyondItsLogAndHintsItsLastIndex() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(2, Net.storage(THREE, new HardState(2, 0, 1), 1, 1, 2));
        net.node(2).step(new AppendEntries(1, 2, 3, 7, 3, List.of(), 1));
        net.process(2);
        AppendResponse r = net.sentOf(AppendResponse.class, 2, 1).get(0);
        assertThat(r.reject()).isTrue();
        assertThat(r.hintIndex()).isEqualTo(3);
        assertThat(r.hintTerm()).isEqualTo(2);
    }

    @Test
    void conflictingSuffixIsTruncatedAndReplacedByTheLeadersEntries() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(2, Net.storage(THREE, new HardState(2, 0, 1), 1, 1, 2, 2, 2));
        List<Entry> ents = List.of(Entry.normal(3, 3, bytes("a")), Entry.normal(3, 4, bytes("b")));
        net.node(2).step(new AppendEntries(1, 2, 3, 2, 1, ents, 1));
        net.process(2);
        assertThat(net.host(2).logTerms()).containsExactly(1L, 1L, 3L, 3L);
        assertThat(net.sentOf(AppendResponse.class, 2, 1).get(0)).isEqualTo(AppendResponse.accept(2, 1, 3, 4));
    }

    @Test
    void appendOfEntriesTheFollowerAlreadyHasKeepsTheEntriesAfterThem() {
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(2, Net.storage(THREE, new HardState(1, 0, 0), 1, 1, 1, 1));
        net.node(2).step(new AppendEntries(1, 2, 1, 1, 1, List.of(Entry.normal(1, 2, bytes("e2/1"))), 0));
        net.process(2);
        assertThat(net.host(2).logTerms()).containsExactly(1L, 1L, 1L, 1L);
        assertThat(net.sentOf(AppendResponse.class, 2, 1).get(0).index()).isEqualTo(2);
    }

    @Test
    void followerWithALongDivergentTailIsRepairedInRoundTripsPerTermNotPerEntry() {
        long[] leaderTerms = new long[100];
        long[] followerTerms = new long[150];
        for (int i = 0; i < 150; i++) {
            if (i < 100) {
                leaderTerms[i] = i < 5 ? 1 : 3;
            }
            followerTerms[i] = i < 5 ? 1 : i < 60 ? 2 : 4;
        }
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(1, Net.storage(THREE, new HardState(4, 0, 5), leaderTerms));
        net.add(2, Net.storage(THREE, new HardState(4, 0, 5), followerTerms));
        net.add(3, Net.storage(THREE, new HardState(4, 0, 5), leaderTerms));
        net.elect(1);
        long rejections = net.sentOf(AppendResponse.class, 2, 1).stream().filter(AppendResponse::reject).count();
        assertThat(rejections).isBetween(1L, 2L); // 145 divergent entries in two terms
        assertThat(net.host(2).logTerms()).isEqualTo(net.host(1).logTerms());
        assertThat(net.host(2).storage.lastIndex()).isEqualTo(101);
    }

    @Test
    void followerWithAShortLogIsFoundInOneRejection() {
        long[] leaderTerms = new long[80];
        java.util.Arrays.fill(leaderTerms, 1);
        Net net = new Net(RaftConfig::defaults, 1, Set.of());
        net.add(1, Net.storage(THREE, new HardState(1, 0, 5), leaderTerms));
        net.add(2, Net.storage(THREE, new HardState(1, 0, 5), 1, 1, 1, 1, 1));
        net.add(3, Net.storage(THREE, new HardState(1, 0, 5), leaderTerms));
        net.elect(1);
        assertThat(net.sentOf(AppendResponse.class, 2, 1).stream().filter(AppendResponse::reject).count())
                .isEqualTo(1);
        assertThat(net.host(2).logTerms()).isEqualTo(net.host(1).logTerms());
    }

    @Test
    void probeModeSendsOneAppendAtATimeUntilTheFollowerAnswers() {
        Net net = Net.of(THREE);
        net.dropIf(m -> m instanceof AppendEntries && m.to() == 2);
        net.elect(1);
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo("PROBE");
        for (int i = 0; i < 3; i++) {
            net.node(1).propose(bytes("p" + i));
            net.stabilize();
        }
        assertThat(appendsTo(net.sent, 2)).isEqualTo(1);
        assertThat(appendsTo(net.sent, 3)).isGreaterThan(1);
        net.clearDropRules();
        net.run(1); // the heartbeat answer lets the leader probe again
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo("REPLICATE");
        assertThat(net.host(2).appliedData()).containsExactly("p0", "p1", "p2");
    }

    @Test
    void replicateModePipelinesAppendsUpToMaxInflightMessages() {
        int window = 3;
        Net net = Net.of(id -> RaftConfig.builder(id).maxInflightMessages(window).build(), THREE);
        net.elect(1);
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo("REPLICATE");
        List<Message> held = new ArrayList<>();
        net.dropIf(m -> m instanceof AppendEntries && m.to() == 2 && held.add(m)); // held on the wire
        for (int i = 0; i < 6; i++) {
            net.node(1).propose(bytes("p" + i));
            net.stabilize();
        }
        List<Message> withEntries = held.stream().filter(m -> !((AppendEntries) m).entries().isEmpty()).toList();
        assertThat(withEntries).hasSize(window);
        assertThat(withEntries).allMatch(m -> ((AppendEntries) m).entries().size() == 1);
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo("REPLICATE");
        assertThat(net.host(1).appliedData()).hasSize(6); // committed through node 3 meanwhile
        net.clearDropRules();
        withEntries.forEach(net::inject);
        net.stabilize();
        assertThat(net.host(2).appliedData()).containsExactly("p0", "p1", "p2", "p3", "p4", "p5");
        long inFlightAtOnce = 0;
        for (AppendEntries a : net.sentOf(AppendEntries.class, 1, 2)) {
            inFlightAtOnce = Math.max(inFlightAtOnce, a.entries().size());
        }
        assertThat(inFlightAtOnce).isEqualTo(3); // the rest went in one append once the window opened
    }

    @Test
    void replicateModeAlsoBoundsTheBytesInFlight() {
        // Each one-entry append of a 10-byte payload counts 34 bytes: the window is full at 3 (102 >= 100).
        Net net = Net.of(id -> RaftConfig.builder(id).maxInflightBytes(100).build(), THREE);
        net.elect(1);
        List<Message> held = new ArrayList<>();
        net.dropIf(m -> m instanceof AppendEntries && m.to() == 2 && held.add(m));
        for (int i = 0; i < 6; i++) {
            net.node(1).propose(bytes("payload-" + i + "!"));
            net.stabilize();
        }
        assertThat(held.stream().filter(m -> !((AppendEntries) m).entries().isEmpty())).hasSize(3);
    }

    @Test
    void appendsAreSplitAtMaxMessageBytes() {
        Net net = Net.of(id -> RaftConfig.builder(id).maxMessageBytes(100).build(), THREE);
        net.elect(1);
        int mark = net.sent.size();
        for (int i = 0; i < 9; i++) {
            net.node(1).propose(bytes("payload-" + i + "!")); // 34 bytes each: two fit in 100, three do not
        }
        net.stabilize();
        List<AppendEntries> appends = net.sent.subList(mark, net.sent.size()).stream()
                .filter(m -> m instanceof AppendEntries && m.to() == 2).map(m -> (AppendEntries) m)
                .filter(a -> !a.entries().isEmpty()).toList();
        assertThat(appends).allMatch(a -> a.entries().size() <= 2);
        assertThat(appends.stream().mapToInt(a -> a.entries().size()).sum()).isEqualTo(9);
        assertThat(net.host(2).appliedData()).hasSize(9);
    }

    @Test
    void proposalsMadeBetweenTwoReadiesGoToEachFollowerInOneAppend() {
        Net net = Net.of(THREE);
        net.elect(1);
        for (int i = 0; i < 10; i++) {
            assertThat(net.node(1).propose(bytes("b" + i)).accepted()).isTrue();
        }
        List<Message> msgs = net.process(1).messages();
        for (long to : new long[] {2, 3}) {
            assertThat(appendsTo(msgs, to)).isEqualTo(1);
            AppendEntries a = (AppendEntries) msgs.stream().filter(m -> m.to() == to).findFirst().orElseThrow();
            assertThat(a.entries()).hasSize(10);
        }
    }

    @Test
    void logsStayPrefixConsistentThroughLossPartitionsAndLeaderChanges() {
        long[] five = {1, 2, 3, 4, 5};
        Net net = Net.of(five);
        SplittableRandom rnd = new SplittableRandom(42);
        net.dropIf(m -> rnd.nextInt(100) < 10);
        int proposals = 0;
        for (int tick = 0; tick < 400; tick++) {
            if (tick % 50 == 0) {
                net.heal();
                net.dropIf(m -> rnd.nextInt(100) < 10);
                net.partition(new java.util.HashSet<>(List.of(1 + (long) rnd.nextInt(5), 1 + (long) rnd.nextInt(5))));
            }
            long l = net.leader();
            if (l != 0 && net.node(l).propose(bytes("v" + tick)).accepted()) {
                proposals++;
            }
            net.run(1);
            if (tick % 5 == 0) {
                assertLogMatching(net, five);
            }
        }
        net.heal();
        net.run(40);
        assertThat(proposals).isGreaterThan(100);
        long l = net.awaitLeader();
        for (long id : five) {
            assertThat(net.host(id).logTerms()).isEqualTo(net.host(l).logTerms());
        }
    }

    /** If two logs hold an entry with the same index and term, they are identical up to it. */
    private static void assertLogMatching(Net net, long[] ids) {
        for (long a : ids) {
            for (long b : ids) {
                if (a >= b) {
                    continue;
                }
                var sa = net.host(a).storage;
                var sb = net.host(b).storage;
                long last = Math.min(sa.lastIndex(), sb.lastIndex());
                for (long i = last; i >= 1; i--) {
                    if (sa.term(i) == sb.term(i)) {
                        assertThat(sa.entries(1, i + 1, Long.MAX_VALUE)).as("logs of %d and %d up to %d", a, b, i)
                                .isEqualTo(sb.entries(1, i + 1, Long.MAX_VALUE));
                        break;
                    }
                }
            }
        }
    }
}
