package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The end-of-run partition check ({@code partition-convergence}) catches a reconciler whose passes stop
 * following the image: with the planted bug {@code first-retention-only} each partition replica keeps the
 * retention it was first given, while the workload keeps changing topics' {@code retention.ms}; seed 2
 * (the seed {@link ReconcilerSimulationTest} runs honestly) fails on it.
 */
class PlantedRetentionBugTest {

    @Test
    void aReplicaThatKeepsItsFirstRetentionIsCaughtByThePartitionCheck() {
        SimResult r = RuntimeSimulation.runMetadataKeepingFirstRetention(MetadataSimulationTest.config(2),
                MetadataOptions.defaults());

        assertThat(r.failure()).startsWith("convergence: partition group 1").contains("has retention");
        assertThat(r.checks()).containsEntry("partition-convergence", "invalid");
    }
}
