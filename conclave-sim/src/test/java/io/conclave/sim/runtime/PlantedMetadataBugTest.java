package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The metadata simulation catches describes served from the local image of whichever node the client
 * reached — no leader check, no ReadIndex barrier, so a follower's or a deposed leader's stale image:
 * within the first two seeds, by the linearizability checker with the register model (seeds 1–6 were
 * each caught). The same seeds pass through the controller ({@link MetadataSimulationTest}).
 */
class PlantedMetadataBugTest {

    static final int SEEDS_TO_CATCH_LOCAL_READS = 2;

    @Test
    void describesFromALocalImageWithoutTheReadIndexBarrierAreCaughtWithinTwoSeeds() {
        SimResult caught = null;
        for (long seed = 1; seed <= SEEDS_TO_CATCH_LOCAL_READS && caught == null; seed++) {
            SimResult r = RuntimeSimulation.runMetadata(MetadataSimulationTest.config(seed),
                    MetadataOptions.defaults().withPlantedLocalReads(true), null);
            if (!r.passed()) {
                caught = r;
            }
        }
        assertThat(caught).as("local metadata reads caught within " + SEEDS_TO_CATCH_LOCAL_READS + " seeds").isNotNull();
        assertThat(caught.failure()).startsWith("checker linearizability invalid: key \"m");
    }

    @Test
    void theSameSeedsPassWhenDescribesGoThroughTheController() {
        for (long seed = 1; seed <= SEEDS_TO_CATCH_LOCAL_READS; seed++) {
            SimResult r = RuntimeSimulation.runMetadata(MetadataSimulationTest.config(seed), MetadataOptions.defaults(),
                    null);
            assertThat(r.failure()).as("seed " + seed).isNull();
        }
    }
}
