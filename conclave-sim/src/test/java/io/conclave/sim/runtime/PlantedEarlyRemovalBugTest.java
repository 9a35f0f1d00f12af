package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * A replica remover that does not wait for the removal to commit, planted
 * ({@link MetadataOptions#plantedEarlyRemoval}): a node destroys its replica of a partition as soon as the
 * image no longer assigns it, while the group's membership still counts it. When the replica set shrinks
 * to fewer replicas than the departing voters the remaining ones are no majority of the membership they
 * must change, so the removal never commits and the group is stuck with voters that hold nothing. The
 * metadata workload's sweep ({@code --runtime --workload metadata --nemesis all}, one metadata group)
 * catches it by {@code partition-convergence} within {@value #SEEDS_TO_CATCH} seeds (of seeds 1–12, 3, 7
 * and 9 caught it); the same seed passes with the commit check.
 */
class PlantedEarlyRemovalBugTest {

    static final int SEEDS_TO_CATCH = 3;

    static RuntimeSimConfig config(long seed) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 1));
    }

    @Test
    void destroyingAReplicaBeforeItsRemovalCommitsIsCaughtWithinThreeSeeds() {
        SimResult caught = null;
        long seed = 1;
        for (; seed <= SEEDS_TO_CATCH && caught == null; seed++) {
            SimResult r = RuntimeSimulation.runMetadata(config(seed),
                    MetadataOptions.defaults().withPlantedEarlyRemoval(true), null);
            if (!r.passed()) {
                caught = r;
            }
        }
        assertThat(caught).as("early-removal caught within " + SEEDS_TO_CATCH + " seeds").isNotNull();
        assertThat(caught.failure()).startsWith("convergence: partition group 1");
        assertThat(caught.checks()).containsEntry("partition-convergence", "invalid");

        SimResult honest = RuntimeSimulation.runMetadata(config(seed - 1), MetadataOptions.defaults(), null);
        assertThat(honest.failure()).as("the catching seed with the commit check").isNull();
        assertThat(honest.faults().get("member-destroyed-removed")).isPositive();
    }
}
