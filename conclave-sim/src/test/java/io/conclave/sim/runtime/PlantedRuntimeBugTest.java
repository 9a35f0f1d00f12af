package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The runtime simulation catches a storage engine whose WAL group commit acknowledges batches
 * without fsyncing them ({@link UnsyncedDisk}): within the first three seeds, as a broken safety
 * invariant (not a harness error).
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
        assertThat(caught.failure()).startsWith("invariant"); // seed 1: state-machine-safety
    }

    @Test
    void theSameSeedsPassWithAnHonestDisk() {
        for (long seed = 1; seed <= 2; seed++) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 10).withFaultNs(5_000_000_000L));
            assertThat(r.failure()).as("seed " + seed).isNull();
        }
    }
}
