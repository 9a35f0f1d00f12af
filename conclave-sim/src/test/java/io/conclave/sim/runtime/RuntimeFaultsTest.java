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
 * the linearizability checker, and the fault must actually have been injected. The last two tests are
 * the regression seeds these faults found (see docs/simulation.md).
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
     * Seed 208 (5 nodes, groups of 3, 10 groups, 5 s, every fault): a read error in a segment during a
     * suffix truncation left the segment log refusing further use ("unusable after an I/O error ...
     * close and reopen it") with an {@code IllegalStateException} that carries the I/O error only in its
     * message; the node now goes down on it (and restarts, reopening the log) like on any I/O error.
     */
    @Test
    void seed208AnUnusableSegmentLogAfterAReadErrorTakesTheNodeDownAndItRecovers() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(208, 10).withNodes(5, 3)
                .withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("io-crash");
    }

    /**
     * Seed 41 (10 groups, 5 s, every fault) flipped a bit in a segment of node 3: recovery caught it
     * (the group's log needs a snapshot) but the leader, which had not compacted, sent entries; the
     * storage refused them and the replica stopped for good. The operator's repair — wipe the node,
     * rejoin — brings it back ({@link RuntimeControl#repairBrokenReplicas}).
     */
    @Test
    void seed41AReplicaWhoseSegmentsFailedTheirChecksumIsRepairedByAWipe() {
        SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(41, 10).withFaultNs(5_000_000_000L));
        assertThat(r.failure()).isNull();
        assertThat(r.faults()).containsKey("repair-wipe");
    }
}
