package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every seed of {@code --runtime --workload metadata --seeds 100 --nemesis all} (one metadata group, 10
 * simulated seconds of every fault) that failed once the reconciler ran under the simulator
 * (docs/simulation.md, "The node's reconciler under the simulator"). Seeds 17, 26, 58 and 69: a wiped
 * node's wall clock, set back by a clock fault, gave its new disk an incarnation not above the one the
 * controller had registered, which the controller refuses; the node never registered, its loss check never
 * decided, and it never created its partition replicas (convergence: no replica on the node). Seed 34: the
 * same clock reused the node's first incarnation, which the rejoin protocol reads as the old life's, and a
 * partition group's replicas applied different entries at index 1 (state-machine safety). Fixed in the
 * simulator's fault model ({@code RuntimeClock.incarnationsAbove}); the product gap is reported. Seed 1
 * failed state-machine safety when the writer also wrote to single-replica partitions (a sole rejoining
 * replica re-elected itself; {@link PartitionGroups#writableIds}). Seed 297 crashed a node: a rejoining
 * replica elected itself through its core's election timeout over storage holding a later term's entry
 * ({@code GroupLog} refused the leader's no-op); a rejoining replica no longer campaigns, ticks its
 * election clock, or takes handed leadership ({@code RejoiningNeverCampaignsTest}), and the seed passes.
 */
class ReconcilerRegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 17, 26, 34, 58, 69, 297})
    void aSeedThatOnceFailedPassesWithEveryChecker(long seed) {
        SimResult r = RuntimeSimulation.runMetadata(MetadataOptions.withFrequentSnapshots(
                RuntimeSimConfig.defaults(seed, 1)), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid");
    }
}
