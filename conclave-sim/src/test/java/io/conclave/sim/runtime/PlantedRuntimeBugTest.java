package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The runtime simulation catches a storage engine whose WAL group commit acknowledges batches
 * without fsyncing them ({@link UnsyncedDisk}): within the first three seeds, as a broken safety
 * invariant or a group that cannot elect a leader any more (not a harness error).
 */
class PlantedRuntimeBugTest {

    static final int SEEDS_TO_CATCH_DROP_FSYNC = 3;

    @Test
    void aWalThatAcknowledgesBeforeFsyncIsCaughtWithinThreeSeeds() {
        SimResult caught = null;
        for (long seed = 1; seed <= SEEDS_TO_CATCH_DROP_FSYNC && caught == null; seed++) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 10).withFaultNs(5_000_000_000L)
                    .withDropFsync(true));
            if (!r.passed()) {
                caught = r;
            }
        }
        assertThat(caught).as("drop-fsync caught within " + SEEDS_TO_CATCH_DROP_FSYNC + " seeds").isNotNull();
        // seed 1: since the disk, clock and control faults joined the mix, a group that can no longer elect
        // a leader after the heal (two replicas rejoining after losing acknowledged entries); before, a
        // state-machine-safety violation. Either is the bug's doing, not a harness error.
        assertThat(caught.failure()).matches("(?s)(invariant|liveness).*");
    }

    static final int SEEDS_TO_CATCH_LYING_FULL_DISK = 2;

    /**
     * A disk that, when full, drops writes and reports them done ({@link FaultyDisk}, the planted bug
     * {@code lying-full-disk}) is caught within two seeds of full disks and crashes (seed 2: the segment
     * writer's always-on check finds a file shorter than what it wrote — the run stops at that
     * invariant); the same seeds pass with an honest full disk, whose writes fail and are retried.
     */
    @Test
    void aFullDiskThatSwallowsWritesIsCaughtWithinTwoSeedsAndAnHonestOneIsNot() {
        SimResult caught = null;
        for (long seed = 1; seed <= SEEDS_TO_CATCH_LYING_FULL_DISK && caught == null; seed++) {
            RuntimeSimConfig c = RuntimeSimConfig.defaults(seed, 10).withFaultNs(5_000_000_000L)
                    .withFaults(RuntimeFault.parseList("disk-full,crash"));
            SimResult r = RuntimeSimulation.run(c.withLyingFullDisk(true));
            if (!r.passed()) {
                caught = r;
                assertThat(RuntimeSimulation.run(c).failure()).as("seed " + seed + " with an honest disk").isNull();
            }
        }
        assertThat(caught).as("lying-full-disk caught within " + SEEDS_TO_CATCH_LYING_FULL_DISK + " seeds").isNotNull();
        assertThat(caught.failure()).contains("written behind the log's back");
    }

    @Test
    void theSameSeedsPassWithAnHonestDisk() {
        for (long seed = 1; seed <= 2; seed++) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 10).withFaultNs(5_000_000_000L));
            assertThat(r.failure()).as("seed " + seed).isNull();
        }
    }
}
