package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.RaftConfig;
import io.conclave.raft.ReadMode;
import io.conclave.raft.ReadStatus;
import io.conclave.raft.Ready;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.HeartbeatResponse;
import io.conclave.raft.message.TimeoutNow;
import org.junit.jupiter.api.Test;

/**
 * Lease reads (thesis §6.4.1): a leader answers alone, with no round trip, while its lease holds;
 * once the lease runs out (no acknowledged heartbeat for leaseTicks) it falls back to a ReadIndex
 * round. The lease is shortened by maxClockDrift so that followers whose clocks run fast cannot elect
 * a new leader before it ends; it is refused when lease reads are off, when the drift leaves less
 * than one tick (the config is rejected), and for the rest of the term once a TimeoutNow was sent.
 */
class LeaseReadTest {

    private static final long[] THREE = {1, 2, 3};

    private static RaftConfig lease(long id) {
        return RaftConfig.builder(id).leaseReads(true).build();
    }

    /**
     * With lease reads on, a node refuses votes for one election timeout after it starts (it may have
     * acknowledged a lease before a restart): let that pass, then elect node 1.
     */
    private static Net leaseNet(java.util.function.Function<Long, RaftConfig> configs) {
        Net net = Net.of(configs, THREE);
        int e = configs.apply(1L).electionTimeoutTicks();
        for (int i = 0; i < e - 1; i++) {
            net.tickAll();
        }
        net.tick(2);
        net.tick(3);
        net.elect(1);
        return net;
    }

    /** Issues a lease read on {@code id} and says whether the very next Ready answers it. */
    private static boolean answeredAtOnce(Net net, long id, String ctx) {
        int before = net.host(id).readStates.size();
        net.node(id).readIndex(bytes(ctx), ReadMode.LEASE);
        net.process(id);
        return net.host(id).readStates.size() > before;
    }

    @Test
    void leaseReadIsAnsweredWithoutARoundTripWhileTheLeaseHolds() {
        Net net = leaseNet(LeaseReadTest::lease);
        net.run(2);
        int sentBefore = net.sent.size();
        assertThat(net.node(1).readIndex(bytes("r"), ReadMode.LEASE)).isEqualTo(ReadStatus.ACCEPTED);
        Ready rd = net.process(1);
        assertThat(rd.readStates()).hasSize(1);
        assertThat(rd.readStates().get(0).index()).isEqualTo(net.node(1).commitIndex());
        assertThat(rd.messages()).isEmpty();
        assertThat(net.sent.size()).isEqualTo(sentBefore);
    }

    @Test
    void leaseReadFallsBackToAReadIndexRoundOnceTheLeaseExpires() {
        Net net = leaseNet(LeaseReadTest::lease);
        net.run(2); // the last acknowledged heartbeat round starts the lease
        long leaseTicks = lease(1).leaseTicks();
        net.dropIf(m -> m instanceof HeartbeatResponse);
        for (int i = 0; i < leaseTicks - 1; i++) {
            net.run(1);
        }
        assertThat(answeredAtOnce(net, 1, "still valid")).isTrue();
        net.run(1);
        assertThat(answeredAtOnce(net, 1, "expired")).isFalse();
        assertThat(net.queued()).anyMatch(m -> m instanceof Heartbeat); // a ReadIndex round instead
        net.clearDropRules();
        net.stabilize();
        assertThat(net.host(1).readStates).hasSize(2);
    }

    @Test
    void leaseReadIsRefusedWhenLeaseReadsAreOff() {
        Net net = Net.of(THREE);
        net.elect(1);
        net.run(2);
        assertThat(answeredAtOnce(net, 1, "r")).isFalse();
        assertThat(net.queued()).filteredOn(m -> m instanceof Heartbeat).hasSize(2);
        net.stabilize();
        assertThat(net.host(1).readStates).hasSize(1); // answered the ReadIndex way
    }

    @Test
    void configWhoseDriftLeavesALeaseShorterThanOneTickIsRejected() {
        assertThat(RaftConfig.builder(1).leaseReads(true).build().leaseTicks()).isEqualTo(8); // 10 * .95 / 1.05 - 1
        assertThatThrownBy(() -> RaftConfig.builder(1).leaseReads(true).electionTimeoutTicks(2)
                .maxClockDrift(0.45).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> RaftConfig.builder(1).leaseReads(true).checkQuorum(false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkQuorum");
        assertThat(RaftConfig.builder(1).leaseReads(false).electionTimeoutTicks(2).maxClockDrift(0.45).build())
                .isNotNull();
    }

    @Test
    void noLeaseReadOnceATimeoutNowWasSentEvenAfterTheTransferIsAbandoned() {
        Net net = leaseNet(LeaseReadTest::lease);
        net.run(2);
        assertThat(answeredAtOnce(net, 1, "before")).isTrue();
        net.node(1).transferLeadership(2);
        net.process(1);
        assertThat(net.take(m -> m instanceof TimeoutNow)).hasSize(1); // lost on the way
        net.stabilize();
        assertThat(answeredAtOnce(net, 1, "transferring")).isFalse();
        net.run(lease(1).electionTimeoutTicks() + 1); // the transfer is abandoned
        assertThat(net.node(1).isLeader()).isTrue();
        assertThat(net.node(1).status().leadTransferee()).isZero();
        assertThat(answeredAtOnce(net, 1, "after")).isFalse();
    }

    /** Outcome of a drift run, in leader ticks after the partition. */
    private record DriftRun(long lastLeaseReadTick, long newLeaderTick) {
    }

    /**
     * Leader 1 is partitioned right after a heartbeat round that a majority acknowledged. Followers
     * tick {@code ratio} times as fast as the leader, and node 2 campaigns at every follower tick (the
     * most eager adversary). At every leader tick, after the followers moved, the leader is asked for a
     * lease read.
     */
    private static DriftRun driftRun(double drift, double ratio) {
        Net net = leaseNet(id -> RaftConfig.builder(id).leaseReads(true).maxClockDrift(drift).build());
        net.run(3);
        net.tick(1);
        net.stabilize(); // this round is acknowledged: the lease runs from its send tick
        net.isolate(1);
        long lastLease = -1;
        long newLeader = -1;
        long followerTicks = 0;
        for (int k = 1; k <= 40 && newLeader < 0; k++) {
            while (followerTicks < (long) Math.floor(k * ratio + 1e-9)) {
                followerTicks++;
                net.tick(2);
                net.tick(3);
                net.node(2).campaign();
                net.stabilize();
            }
            if (net.node(2).isLeader() || net.node(3).isLeader()) {
                newLeader = k;
            }
            net.tick(1);
            net.stabilize();
            if (answeredAtOnce(net, 1, "k" + k)) {
                lastLease = k;
            }
        }
        return new DriftRun(lastLease, newLeader);
    }

    @Test
    void followersTickingFasterByTheDriftCannotElectANewLeaderBeforeTheOldLeadersLeaseEnds() {
        double drift = 0.1;
        RaftConfig cfg = RaftConfig.builder(1).leaseReads(true).maxClockDrift(drift).build();
        long leaseTicks = cfg.leaseTicks();
        assertThat(leaseTicks).isEqualTo(7); // floor(10 * 0.9 / 1.1) - 1
        // 11 follower ticks per 10 leader ticks, and the worst case the lease allows for, (1 + d) / (1 - d).
        for (double ratio : new double[] {1.1, (1 + drift) / (1 - drift)}) {
            DriftRun run = driftRun(drift, ratio);
            assertThat(run.lastLeaseReadTick()).as("lease reads served after the partition, ratio %s", ratio)
                    .isEqualTo(leaseTicks - 1);
            assertThat(run.newLeaderTick()).as("a new leader was elected, ratio %s", ratio).isPositive();
            assertThat(run.lastLeaseReadTick()).as("no lease read once a new leader exists, ratio %s", ratio)
                    .isLessThan(run.newLeaderTick());
            // Followers refuse votes for E of their own ticks: E / ratio leader ticks > leaseTicks.
            assertThat((double) cfg.electionTimeoutTicks() / ratio).isGreaterThan(leaseTicks);
        }
    }

    @Test
    void clocksDriftingBeyondTheConfiguredBoundBreakTheLease_control() {
        DriftRun run = driftRun(0.05, 1.5);
        assertThat(run.newLeaderTick()).isPositive();
        assertThat(run.lastLeaseReadTick()).isGreaterThanOrEqualTo(run.newLeaderTick());
    }

    @Test
    void restartedNodeWithLeaseReadsRefusesVotesForAnElectionTimeout() {
        Net net = leaseNet(id -> RaftConfig.builder(id).leaseReads(true).preVote(false).build());
        net.run(2);
        net.crash(1);
        net.crash(2);
        net.restart(2);
        net.node(3).campaign();
        net.stabilize();
        assertThat(net.node(3).isLeader()).isFalse();
        assertThat(net.sentOf(io.conclave.raft.message.VoteResponse.class, 2, 3)).isEmpty();
        for (int i = 0; i < lease(2).electionTimeoutTicks(); i++) {
            net.tick(2);
            net.tick(3);
        }
        net.node(3).campaign();
        net.stabilize();
        long l = net.leader();
        assertThat(l).isIn(2L, 3L);
    }

    /**
     * Leader 1 holds a lease acknowledged by node 2. Node 3, cut off for a while, comes back able to
     * reach node 2 only; a stale append that node 2 sent when it led an earlier term reaches node 3,
     * which answers node 2 with its own term. Then node 3 campaigns and, if it wins, commits "b".
     * Returns whether leader 1 still serves a lease read after "b" was committed elsewhere.
     */
    private static boolean staleLeaseReadAfterATermBump(boolean preVote) {
        Net net = leaseNet(id -> RaftConfig.builder(id).leaseReads(true).preVote(preVote).build());
        net.node(1).transferLeadership(2);
        net.stabilize();
        assertThat(net.leader()).isEqualTo(2);
        AppendEntries staleAppend = new AppendEntries(2, 3, net.node(2).term(), 0, 0, java.util.List.of(), 0);
        net.node(2).transferLeadership(1);
        net.stabilize();
        assertThat(net.leader()).isEqualTo(1);
        net.node(1).propose(bytes("a"));
        net.run(3);
        net.isolate(3);
        for (int i = 0; i < 60; i++) {
            net.tick(3);
            net.stabilize();
        }
        net.heal();
        net.cut(1, 3);
        net.cut(3, 1);
        net.run(1); // node 2 acknowledges leader 1's heartbeat: the lease runs
        assertThat(answeredAtOnce(net, 1, "lease holds")).isTrue();
        net.inject(staleAppend);
        net.stabilize();
        net.node(3).campaign();
        net.stabilize();
        if (!net.node(3).isLeader()) {
            return false;
        }
        net.node(3).propose(bytes("b"));
        net.stabilize();
        return net.host(3).appliedData().contains("b") && answeredAtOnce(net, 1, "after b");
    }

    @Test
    void withPreVoteANodeBackFromAPartitionCannotUndercutALeaseThroughAStaleAppend() {
        assertThat(staleLeaseReadAfterATermBump(true)).isFalse();
    }

    @Test
    void followerThatAcknowledgedTheLeaseDoesNotHelpElectANewLeaderBeforeItEnds() {
        assertThat(staleLeaseReadAfterATermBump(false)).as("leader 1 served a lease read after node 3 committed b")
                .isFalse();
    }

    @Test
    void noLeaseReadIsAnsweredBelowAWriteCommittedBeforeItWasIssued_randomized() {
        for (long seed = 1; seed <= 3; seed++) {
            ReadSafety.Outcome o = ReadSafety.run(seed, ReadMode.LEASE);
            assertThat(o.violation()).as("seed %d", seed).isNull();
            assertThat(o.answered()).as("seed %d", seed).isGreaterThan(100);
        }
    }

    @Test
    void noLeaseReadIsAnsweredBelowAnEarlierCommittedWriteWhileClocksDriftWithinTheBound_randomized() {
        // maxClockDrift 0.05 allows rates apart by up to (1 + 0.05) / (1 - 0.05) = 1.105.
        double[][] rateSets = {{0.95, 1.0, 1.05, 1.0, 1.0}, {1.05, 0.95, 0.95, 1.05, 1.0}, {0.95, 1.05, 1.05, 1.05, 1.05}};
        for (int s = 0; s < rateSets.length; s++) {
            ReadSafety.Outcome o = ReadSafety.run(s + 1, ReadMode.LEASE, java.util.Set.of(), rateSets[s]);
            assertThat(o.violation()).as("rates %s", java.util.Arrays.toString(rateSets[s])).isNull();
            assertThat(o.answered()).isGreaterThan(100);
        }
    }

    @Test
    void theRandomizedCheckerCatchesStaleLeaseReadsWhenClocksDriftBeyondTheBound_control() {
        String violation = null;
        for (long seed = 1; seed <= 10 && violation == null; seed++) {
            violation = ReadSafety.run(seed, ReadMode.LEASE, java.util.Set.of(),
                    new double[] {1.4, 0.6, 0.6, 0.6, 0.6}).violation();
        }
        assertThat(violation).isNotNull();
    }
}
