package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The replaced-disk bug, planted ({@link MetadataOptions#plantedSkipLossCheck}): the reconcilers take every
 * data directory as settled, so a wiped node creates its partition replicas as plain voters with empty
 * logs, which vote for any candidate. Under wipes and network partitions
 * ({@link ReconcilerSimulationTest#wipes}) the simulator catches it by state-machine safety or one leader
 * per term within {@value #SEEDS_TO_CATCH} seeds (of seeds 1–30, 15, 25, 27 and 29 caught it); the same
 * seeds pass with the loss check.
 */
class PlantedLossCheckBugTest {

    static final int SEEDS_TO_CATCH = 15;

    @Test
    void aWipedNodeCreatingItsReplicasAsPlainVotersIsCaughtWithinFifteenSeeds() {
        SimResult caught = null;
        long seed = 1;
        for (; seed <= SEEDS_TO_CATCH && caught == null; seed++) {
            SimResult r = RuntimeSimulation.runMetadata(ReconcilerSimulationTest.wipes(seed),
                    MetadataOptions.defaults().withPlantedSkipLossCheck(true), null);
            if (!r.passed()) {
                caught = r;
            }
        }
        assertThat(caught).as("skip-loss-check caught within " + SEEDS_TO_CATCH + " seeds").isNotNull();
        assertThat(caught.failure()).matches("invariant (state-machine-safety|one-leader-per-term): group 1\\d{6}.*");

        SimResult withCheck = RuntimeSimulation.runMetadata(ReconcilerSimulationTest.wipes(seed - 1),
                MetadataOptions.defaults(), null);
        assertThat(withCheck.failure()).as("the catching seed with the loss check").isNull();
        assertThat(withCheck.faults().get("partition-created-rejoining")).isPositive();
    }
}
