package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The runtime nemesis's clock, disk and control-plane faults and the buggify points, each on a few
 * seeds with every checker: a run must keep every invariant, settle, read back every key and pass
 * the linearizability checker, and the fault must actually have been injected. The last tests are the
 * regression seeds these faults found (see docs/simulation.md).
 */
class RuntimeFaultsTest {

    private static SimResult run(long seed, int groups, long faultNs, String faults, Boolean buggify) {
        return RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, groups).withFaultNs(faultNs)
                .withFaults(RuntimeFault.parseList(faults)).withBuggify(buggify));
    }

    /** Runs {@code seeds}, asserts each passed, and returns the faults injected over all of them. */
    private static TreeMap<String, Long> passing(String faults, Boolean buggify, long... seeds) {
        TreeMap<String, Long> injected = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (long seed : seeds) {
            SimResult r = run(seed, 6, 3_000_000_000L, faults, buggify);
            if (!r.passed()) {
                failures.add("seed " + seed + " (" + faults + "): " + r.failure());
            }
            assertThat(r.checks()).containsEntry("linearizability", "valid");
            r.faults().forEach((k, v) -> injected.merge(k, v, Long::sum));
        }
        assertThat(failures).isEmpty();
        return injected;
    }

    @Test
    void clockBumpsAndStrobingWallClocksKeepEveryInvariant() {
        TreeMap<String, Long> f = passing("clock-bump,clock-strobe", null, 1, 2);
        assertThat(f.get("clock-bump")).isPositive();
        assertThat(f.get("clock-strobe")).isPositive();
    }

    @Test
    void aWipedNodeRejoinsEveryGroupAsALearnerAndIsPromotedBack() {
        TreeMap<String, Long> f = passing("wipe,partition", null, 1, 2);
        assertThat(f.get("wipe")).isPositive();
    }

    @Test
    void fullDisksFailWritesAndNothingAcknowledgedIsLost() {
        TreeMap<String, Long> f = passing("disk-full,crash", null, 1, 2);
        assertThat(f.get("disk-full")).isPositive();
    }

    @Test
    void readErrorsFailReadsOrTakeTheProcessDownAndNothingAcknowledgedIsLost() {
        TreeMap<String, Long> f = passing("read-errors,crash", null, 1, 2);
        assertThat(f.get("read-errors")).isPositive();
    }

    @Test
    void bitFlipsAndTruncationOnAMinorityAreCaughtAndTheReplicaRebuilt() {
        TreeMap<String, Long> f = passing("corruption,partition", null, 1, 2, 3);
        assertThat(f.get("corruption")).isPositive();
    }

    @Test
    void membershipChangesAndLeadershipTransfersMidRunKeepEveryInvariant() {
        TreeMap<String, Long> f = passing("membership,transfer", null, 1, 2);
        assertThat(f.get("membership")).isPositive();
        assertThat(f.get("transfer")).isPositive();
    }

    @Test
    void buggifyPointsInTheWalReplicationAndSnapshotCodeFireAndEverySeedPasses() {
        TreeMap<String, Long> f = passing("crash,partition", true, 1, 2, 3);
        assertThat(f.keySet()).anyMatch(k -> k.startsWith("buggify.wal."));
        assertThat(f.keySet()).anyMatch(k -> k.startsWith("buggify.replication."));
    }

    /**
     * Seed 6 (5 nodes, 100 groups of three, 5 s, every fault): group 30's leader, node 5, was wiped and
     * came back at once, empty and rejoining, under the same incarnation (its node record went with the
     * disk); its two followers rested in term 2 believing node 5 led, liveness never saw a restart, and
     * the group stayed leaderless for good. A new life's incarnation is now never below the wall
     * clock's milliseconds ({@code NodeMeta}), so the restart shows and the followers fail over.
     */
    /**
     * Seed 69 of {@code --runtime --nemesis all} (3 nodes, one group, 10 s of faults): a torn crash drawn 1 ms
     * before the heal armed node 2's power cut, which landed 4 ms after it; the heal had found node 2 up,
     * the crash's own restart is skipped once the faults stop, so node 2 stayed down for good ("group 1 has
     * no replica on node 2"). The heal now lands a pending power cut first and restarts the node.
     */
    @Test
    void seed69APowerCutPendingAtTheHealLandsThenAndItsNodeRestarts() {
        SimResult r = RuntimeSimulation.run(io.conclave.sim.SimOptions.parse(
                new String[] {"--runtime", "--seed", "69", "--nemesis", "all"}).runtimeConfig(69));

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid");
        assertThat(r.faults()).containsKey("torn-crash");
    }

    @Test
    void seed6AWipedLeaderThatComesBackAtOnceIsSeenAsANewLife() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(6, 100).withNodes(5, 3)
                .withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("wipe");
    }

    /**
     * Seed 13 (10 groups, 5 s, every fault, buggify on) wiped node 3 while node 1 led its groups: the
     * leader's progress still held node 3's old match index, so it dropped node 3's rejections as
     * stale and the two exchanged appends in a storm (no-livelock). Moving leadership after a data
     * loss ({@link RuntimeControl#afterDataLoss}) gives every peer fresh progress.
     */
    @Test
    void seed13AWipedNodeCatchesUpOnceLeadershipMovesAway() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(13, 10).withFaultNs(5_000_000_000L)
                .withBuggify(true));
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("wipe");
    }

    /**
     * Seed 13 again (10 groups, 5 s, every fault, buggify as the seed decides) with the simulated
     * operator's leader move switched off: only the product repairs the wiped node. Node 3 is wiped and
     * restarts at once, empty, under the same id and — its node record gone with the disk — the same
     * incarnation, so liveness never reports a restart and {@code Replica.onPeerRecovered} never runs;
     * this failed on no-livelock until a leader learned to forget a peer's progress when the peer's
     * rejection hints below its match ({@code Replica.forgetProgressIfPeerLostData}).
     */
    @Test
    void seed13AWipedNodeIsRepairedByTheRuntimeWithoutTheOperatorsLeaderMove() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(13, 10).withFaultNs(5_000_000_000L)
                .withLeaderMoveAfterDataLoss(false));
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid");
        assertThat(r.faults()).containsKey("wipe");
    }

    /**
     * Seed 208 (5 nodes, groups of 3, 10 groups, 5 s, every fault) once had a read error in a segment during
     * a suffix truncation leave the segment log refusing further use ("unusable after an I/O error ...
     * close and reopen it") after the read-error window had ended; the node now goes down on it (and
     * restarts, reopening the log) like on any I/O error during a life that saw a disk fault
     * ({@code RuntimeNode.step}: {@code diskFaultSeen}). No seed reaches that story now: a read error
     * before {@code truncateSuffix} changed anything no longer poisons the log (docs/storage.md), and seed
     * 208's io-crashes were read errors inside the window even before the leader's filter of stale rejoin
     * promotions changed its draws. None of seeds 1–2,800 of this configuration, 1–1,500 of {@code
     * --runtime --nemesis all} nor 1–451 of read errors with full disks, partitions, clogs, transfers and
     * membership changes crashed a node on unusable storage after the window (the count
     * {@code io-crash-unusable-storage}; docs/simulation.md). The seed still runs, as every seed that once
     * failed does, and must pass every checker; the story's own path is covered by the storage's unit
     * tests of the unusable log, and in-window I/O crashes by
     * {@code readErrorsFailReadsOrTakeTheProcessDownAndNothingAcknowledgedIsLost}.
     */
    @Test
    void seed208AReadErrorDuringATruncationStillPasses() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(208, 10).withNodes(5, 3)
                .withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid");
    }

    /**
     * Seed 41 (10 groups, 5 s, every fault) flipped a bit in a segment of node 3: recovery found the
     * group's log corrupt (lost) while the leader, which had not compacted, sent entries. The storage
     * used to refuse them and the replica stopped for good, until a simulated operator wiped the node.
     * Now the lost log restarts from its snapshot and takes the entries the leader re-sends after
     * probing; the replica rejoins (no vote until its own demotion is applied) and the run passes with
     * no operator repair at all. Since a wiped node's incarnation follows the wall clock (seed 6 below),
     * seed 41's draws after its first wipe differ and the bit flip lands elsewhere; seed 43 took the
     * same path (a lost log that restarts and takes entries again), and seed 41 still runs. Since
     * committed entries that are already durable are applied without waiting for the Ready's own write
     * (2026-11-27), seed 43's draws differ too; seed 42 takes that path now.
     */
    @Test
    void seed41AReplicaWhoseSegmentsFailedTheirChecksumRestartsItsLogFromItsSnapshotAndRejoins() {
        SimResult r41 = RuntimeSimulation.run(RuntimeSimConfig.defaults(41, 10).withFaultNs(5_000_000_000L));
        assertThat(r41.failure()).isNull();
        assertThat(r41.faults()).containsKey("corruption");
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(42, 10).withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.faults().get("lost-log")).as("a replica came back with its log lost").isPositive();
        assertThat(r.faults().get("lost-log-restarted")).as("and its log took entries again").isPositive();
    }

    /**
     * Seed 5 of wipes, corruption, crashes and partitions (6 groups, 5 s): a bit flip in a replica's
     * newest snapshot file made the store fall back to an older snapshot (none) while the segments had
     * been compacted past it; recovery built a log starting at 151 over an empty state machine and the
     * applier stopped on "apply gap, entry 151 after 0". Segments that start after the loaded snapshot
     * are now a lost log (LostLogTest.segmentsThatStartAfterALostSnapshotLoseTheLog).
     */
    @Test
    void seed5ACorruptSnapshotBelowCompactedSegmentsLosesTheLogInsteadOfLeavingAnApplyGap() {
        SimResult r = run(5, 6, 5_000_000_000L, "wipe,corruption,crash,partition", null);
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("corruption");
    }

    /**
     * Seed 49 of every fault (6 groups, 5 s): the corruption fault cut node 1's only WAL file at a
     * seeded length, inside bytes it had fsynced and acknowledged; recovery saw a torn tail, and with
     * {@code rejoinAfterTornTail} off (the product's default since torn tails of honest disks stopped
     * counting as loss) its replicas kept voting with shortened logs, and in group 3 node 2 applied an
     * entry at index 67 that another replica had applied differently. A run whose disk may cut fsynced
     * bytes now sets the option, as docs/multiraft.md advises for disks that may lie.
     */
    @Test
    void seed49ADiskThatCutsFsyncedWalBytesNeedsTheTornTailRejoin() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(49, 6).withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("corruption");
    }

    /**
     * Seed 133 of every fault (6 groups, 5 s): node 1 was wiped and rejoined; a file of node 3 was
     * corrupted while it was down, its starts were refused (a disk fault was active) until, at 2.94 s,
     * recovery refused the data and the simulated operator wiped it: node 3 rejoined every group
     * (demoted to a learner, to be promoted once caught up). At 3.52 s, before node 3 was promoted in
     * group 3, node 1 lost power mid-write (torn-crash) and stayed down until the heal; a run that may draw
     * corruption sets {@code rejoinAfterTornTail}, so node 1 came back with its cut tail suspect in
     * every group. Group 3's voters were then {1, 2} with node 1 refusing to vote and node 3 a learner
     * that only a leader could promote: no leader for good, the product's documented safe outcome but
     * two replicas of three losing data, outside the fault model. Where a cut tail means a rejoin, the
     * nemesis now treats a crash as a data loss and holds it while a group of the node would be left
     * without a quorum of other voters that vote ({@code crash-skipped-rejoining}); without that guard
     * the seed failed (RuntimeSimulation.runWithUnguardedCrashes) until later fixes changed its draws.
     */
    @Test
    void seed133ACrashWaitsWhileAReplicaOfTheNodesGroupsIsStillRejoining() {
        // Since the fixes merged after it (HeldCommit, the snapshot storm, the install fallback) the draws
        // of seed 133 differ and nothing is held in it any more. It stays as a regression seed; that the
        // guard holds crashes is asserted over the seeds below, each of which passes.
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(133, 6).withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid");
        long held = 0;
        for (long seed : new long[] {120, 127, 150}) {
            SimResult s = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 6).withFaultNs(5_000_000_000L));
            assertThat(s.failure()).as("seed %d", seed).isNull();
            held += s.faults().getOrDefault("crash-skipped-rejoining", 0L);
        }
        assertThat(held).as("crashes held while a replica of the node's groups rejoined").isPositive();
    }
}
