package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The data-plane simulation catches LINEARIZABLE reads served without the ReadIndex barrier (read
 * from whichever replica the client reached, possibly a deposed leader or a lagging follower):
 * within the first two seeds, by the linearizability checker with the log model. The same seeds
 * pass with the barrier ({@link LogSimulationTest}).
 */
class PlantedLogBugTest {

    static final int SEEDS_TO_CATCH_UNFENCED_READS = 2;

    @Test
    void linearizableReadsWithoutTheReadIndexBarrierAreCaughtWithinTwoSeeds() {
        SimResult caught = null;
        for (long seed = 1; seed <= SEEDS_TO_CATCH_UNFENCED_READS && caught == null; seed++) {
            SimResult r = RuntimeSimulation.runLog(LogSimulationTest.config(seed),
                    LogOptions.defaults().withPlantedUnfencedReads(true));
            if (!r.passed()) {
                caught = r;
            }
        }
        assertThat(caught).as("unfenced reads caught within " + SEEDS_TO_CATCH_UNFENCED_READS + " seeds").isNotNull();
        assertThat(caught.failure()).startsWith("checker linearizability invalid"); // seed 1: key p1
        assertThat(caught.checks()).containsEntry("log-scan", "invalid");
    }
}
