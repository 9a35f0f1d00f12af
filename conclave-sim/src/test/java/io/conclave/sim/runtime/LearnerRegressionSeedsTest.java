package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeds of {@code --runtime --workload metadata --nemesis all} with more nodes than replicas ({@code --nodes 5
 * --replicas 3}, seeds 1–100; {@code --nodes 4 --replicas 3}, seeds 1–60) that failed once the nodes that are no
 * voter of a metadata group became learners of it (docs/simulation.md, "More nodes than replicas"). Seeds 16, 21,
 * 24, 70 (five nodes) and 41, 52 (four): a learner's replica rejoined after a possible loss (a corrupt file, a cut
 * WAL tail) and, like every rejoining replica then, asked to be promoted to voter once caught up, so the metadata
 * group ended with four voters (seed 41: voters [1, 2, 3, 4]). Seeds 35 (five nodes) and 48 (four) refuted the
 * first fix ("a learner right before its own demotion stays a learner"): a voter that crashed mid-rejoin stayed a
 * learner and the group ended with voters [2, 3]. The runtime's rejoin now promotes only a replica that a rejoin's
 * demotion turned from voter into learner ({@code io.conclave.multiraft.replica.RejoinDemoted}); the simulator's
 * operator that demoted promoted learners is gone, and the image convergence check (the membership must be exactly
 * the group's voters and learners) judges every one of these runs on its own.
 */
class LearnerRegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}, {1} nodes")
    @CsvSource({"16, 5", "21, 5", "24, 5", "70, 5", "41, 4", "52, 4", "35, 5", "48, 4"})
    void aSeedThatOnceFailedPassesWithEveryCheckerAndNoOperator(long seed, int nodes) {
        SimResult r = RuntimeSimulation.runMetadata(config(seed, nodes), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid").containsEntry("image-convergence", "valid");
    }

    private static RuntimeSimConfig config(long seed, int nodes) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 1).withNodes(nodes, 3));
    }
}
