package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Metadata runs with more nodes than a metadata group's voters: every other node is a learner of each
 * metadata group, as every node of a cluster that is no controller voter is a learner of the controller
 * group (DESIGN §6). The learners apply the image, register themselves and reconcile towards it, so
 * placement may give partitions to nodes that are no controller voter, and the replica-set changes move
 * partitions onto nodes that held nothing; every checker (the learners' images included) covers them.
 */
class LearnerReconcilerSimulationTest {

    /** Five nodes, metadata groups of three voters and two learners, every fault. */
    static RuntimeSimConfig fiveNodes(long seed) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 1).withNodes(5, 3));
    }

    @Test
    void nodesThatOnlyLearnTheControllerHostPartitionsAndEveryCheckerPasses() {
        SimResult r = RuntimeSimulation.runMetadata(fiveNodes(1), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid").containsEntry("image-convergence", "valid");
        assertThat(r.faults().get("partition-created-on-learner"))
                .as("partition replicas created on a node that is only a learner of the metadata group").isPositive();
        assertThat(r.faults().get("node-registrations")).as("nodes that registered their incarnation").isPositive();
    }

    @Test
    void aWipedLearnerNodeCatchesUpAndItsPartitionsConverge() {
        SimResult r = RuntimeSimulation.runMetadata(MetadataOptions.withFrequentSnapshots(
                        RuntimeSimConfig.defaults(3, 1).withNodes(4, 3)
                                .withFaults(EnumSet.of(RuntimeFault.PARTITION, RuntimeFault.WIPE))),
                MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.faults().get("wipe-of-learner")).as("wipes of the node that is only a learner").isPositive();
        assertThat(r.faults().get("partition-created-on-learner")).isPositive();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid");
    }

    @Test
    void theConvergenceCheckCatchesLearnersThatTheGroupNeverJoined() {
        SimResult r = RuntimeSimulation.runMetadataWithUnjoinedLearners(fiveNodes(1), MetadataOptions.defaults());

        assertThat(r.failure()).as("learners that apply none of the image").isNotNull().contains("convergence");
    }

    /** What a rejoin did to a learner before it knew why the replica was one; no operator undoes it any more. */
    @Test
    void theConvergenceCheckCatchesALearnerPromotedToVoter() {
        SimResult r = RuntimeSimulation.runMetadataWithPromotedLearner(fiveNodes(1), MetadataOptions.defaults());

        assertThat(r.failure()).as("a metadata group with a fourth voter").isNotNull()
                .contains("has not finished reconfiguring");
    }

    @Test
    void everyNodeThatIsNoVoterOfAMetadataGroupIsALearnerOfIt() {
        Placement placement = new Placement();
        placement.place(1, java.util.Set.of(1L, 2L, 3L));
        placement.placeLearners(1, java.util.Set.of(4L, 5L));

        assertThat(placement.learners(1)).containsExactly(4L, 5L);
        assertThat(placement.hosts(1)).as("the voters host it; learners are kept apart").containsExactly(1L, 2L, 3L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> placement.placeLearners(1, java.util.Set.of(3L)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is a voter");
    }
}
