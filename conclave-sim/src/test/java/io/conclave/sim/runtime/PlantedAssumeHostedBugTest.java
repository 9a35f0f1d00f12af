package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's rule before the destruction record and the group-id mark, planted
 * ({@link MetadataOptions#plantedAssumeHosted}): every partition counts as one the node's directory may have
 * hosted, so a genesis voter that creates its replica after the replica set changed creates it rejoining,
 * and one no longer assigned creates nothing. Seed 696 of {@code --runtime --workload metadata --nemesis all}
 * (one metadata group; found sweeping seeds 301–1,000 with the plant): topic 1's partition 1 is created
 * with genesis voters [3, 1] and shrinks to [3] before node 1 created its replica; node 3 alone is no
 * majority of the genesis, so the group never elects a leader. Caught by {@code partition-convergence}
 * ({@code partition-unelected}, a failure since the fix, no longer counted aside); the same seed passes
 * honestly, node 1 creating a plain replica that votes ({@code partition-created-to-elect}), which the
 * group's leader then removes and node 1 destroys.
 */
class PlantedAssumeHostedBugTest {

    static final long SEED = 696;

    @Test
    void theOldGenesisVoterRuleLeavesAGroupUnelectedOnSeed696AndTheFixElectsIt() {
        SimResult caught = RuntimeSimulation.runMetadata(PlantedEarlyRemovalBugTest.config(SEED),
                MetadataOptions.defaults().withPlantedAssumeHosted(true), null);
        assertThat(caught.checks()).containsEntry("partition-convergence", "invalid");
        assertThat(caught.failure()).startsWith("convergence: partition group")
                .contains("never elected a leader and cannot (partition-unelected)");

        SimResult honest = RuntimeSimulation.runMetadata(PlantedEarlyRemovalBugTest.config(SEED),
                MetadataOptions.defaults(), null);
        assertThat(honest.failure()).as("the same seed with the fix").isNull();
        assertThat(honest.checks()).containsEntry("partition-convergence", "valid");
        assertThat(honest.faults().get("partition-created-to-elect")).as("an unassigned genesis voter voted")
                .isPositive();
    }
}
