package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every seed of {@code --runtime --workload metadata --nemesis all} with more nodes than replicas
 * ({@code --nodes 5 --replicas 3}, seeds 1–100; {@code --nodes 4 --replicas 3}, seeds 1–60) that failed once
 * the nodes that are no voter of a metadata group became learners of it (docs/simulation.md, "More nodes
 * than replicas"). All six: a learner's replica rejoined after a possible loss (a corrupt file, a cut WAL
 * tail) and, like every rejoining replica, asked to be promoted to voter once caught up — the runtime's
 * rejoin ({@code io.conclave.multiraft.replica.Rejoin}, not this module's) does not tell a learner from a
 * voter — so the metadata group ended with four voters. Open in the product; the simulator's operator
 * demotes such a learner back and counts it ({@code metadata-learner-promoted}).
 */
class LearnerRegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}, {1} nodes")
    @CsvSource({"16, 5", "21, 5", "24, 5", "70, 5", "41, 4", "52, 4"})
    void aSeedThatOnceFailedPassesWithEveryCheckerAndCountsThePromotion(long seed, int nodes) {
        SimResult r = RuntimeSimulation.runMetadata(config(seed, nodes), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid").containsEntry("image-convergence", "valid");
        assertThat(r.faults().get("metadata-learner-promoted")).as("learners a rejoin promoted to voter").isPositive();
    }

    /** When this fails, the runtime's rejoin keeps a learner a learner: drop the operator's demotion. */
    @Test
    void withoutTheOperatorARejoinedLearnerStaysAVoterOfTheMetadataGroup() {
        SimResult r = RuntimeSimulation.runMetadataWithoutLearnerDemotion(config(41, 4), MetadataOptions.defaults());

        assertThat(r.failure()).isNotNull().contains("has not finished reconfiguring");
    }

    private static RuntimeSimConfig config(long seed, int nodes) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 1).withNodes(nodes, 3));
    }
}
