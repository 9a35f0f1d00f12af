package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/**
 * A replica remover that acts on a committed removal before the partition leader's disk holds that
 * commit, planted ({@link MetadataOptions#plantedUndurableRemoval}; the rule before this fix): seed 889 of
 * {@code --runtime --workload metadata --nemesis all}, one metadata group. A replica set shrinks from two
 * voters to one; the removed voter destroys its replica; the survivor restarts with its durable commit
 * below the removal, counts the destroyed voter again and can elect no leader. Caught by
 * {@code partition-convergence} (no longer counted aside as {@code partition-removal-forgotten}); the same
 * seed passes when the remover waits for the leader's durable commit. The hazard is rare (a 2→1 shrink,
 * then the survivor's crash before the commit reached its disk): seed 341 caught it until the leader's
 * filter of stale rejoin promotions changed the draws; of seeds 201–1,400 since, only 889 does.
 */
class PlantedUndurableRemovalBugTest {

    static final long SEED = 889;

    @Test
    void destroyingAReplicaBeforeTheLeaderHoldsItsRemovalDurablyIsCaughtBySeed889() {
        SimResult caught = RuntimeSimulation.runMetadata(PlantedEarlyRemovalBugTest.config(SEED),
                MetadataOptions.defaults().withPlantedUndurableRemoval(true), null);
        assertThat(caught.checks()).containsEntry("partition-convergence", "invalid");
        assertThat(caught.failure()).startsWith("convergence: partition group").contains("has membership");

        SimResult honest = RuntimeSimulation.runMetadata(PlantedEarlyRemovalBugTest.config(SEED),
                MetadataOptions.defaults(), null);
        assertThat(honest.failure()).as("the same seed with the durable check").isNull();
        assertThat(honest.checks()).containsEntry("partition-convergence", "valid");
        assertThat(honest.faults().get("member-removal-awaited-durable")).as("the check held a removal back")
                .isPositive();
    }
}
