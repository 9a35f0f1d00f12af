package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every seed of {@code --runtime --workload metadata --nemesis all} (seeds 1–200 with one metadata group,
 * 1–100 with two) that failed once the membership and removal passes ran under the simulator with topic
 * churn (docs/simulation.md, "The node's reconciler under the simulator"), and the seeds that held the
 * {@code partition-unelected} gap.
 *
 * <ul>
 *   <li>2 groups, seed 4: the leader of a one-voter group promoted a learner whose node had not created
 *       its replica (a match of 0 is "within the slack" of a commit below 64); the group then needed that
 *       node for every commit, the learner's removal included. Product fix: a learner is promoted only
 *       once it holds entries ({@code MembershipDecisionTest}).</li>
 *   <li>2 groups, seed 10: a replica set shrank from three to one while one genesis voter had never
 *       created its replica; removing the caught-up voter first left a membership whose majority needed
 *       the absent one. Product fix: the voter furthest behind is removed first.</li>
 *   <li>1 group, seeds 19 and 94: partitions whose voters lost their data on wiped nodes no longer
 *       assigned (nothing recreates such a replica), or whose sole voter was wiped, were not recognised as
 *       stranded (the check judged the assigned replicas only). Fixed in the check.</li>
 *   <li>1 group, seed 4: a replica set shrank before a genesis voter created its replica and the group
 *       never elected a leader; counted as {@code partition-unelected} while that was an open product gap.
 *       1 group, seed 696 (from seeds 301–1,000): the same, a replica set of genesis voters [3, 1] shrank to
 *       [3] before node 1 created its replica ({@code PlantedAssumeHostedBugTest} runs the old rule on it).
 *       Product fix: a genesis voter whose directory never hosted the group creates a plain replica, assigned
 *       or not ({@code Reconciler.createToElect}, {@code ReconcilerTest}); {@code partition-unelected} is a
 *       failure.</li>
 *   <li>2 groups, seed 39 (one leader per term), and seed 11 of {@code --nemesis partition,wipe}
 *       (state-machine safety; {@code PlantedLossCheckBugTest}'s honest run): nodes that had left a
 *       partition's replica set and destroyed their replicas were assigned it again, created plain
 *       replicas from the genesis membership with empty logs, and formed a majority of that stale
 *       membership. Product fix: a genesis voter of a partition whose replica set has changed creates its
 *       replica rejoining ({@code ReconcilerTest}).</li>
 *   <li>1 group, seed 341 (from seeds 201–400): a replica set shrank from two voters to one; the removed
 *       voter destroyed its replica once its removal committed, and the survivor restarted with its commit
 *       index persisted below the removal, so it counted the removed voter again and could elect no
 *       leader. Counted for a while as {@code partition-removal-forgotten}; product fix: the remover waits
 *       until the partition leader's durable commit covers the membership without this node
 *       ({@code ReplicaRemoverDecisionTest}, {@code DurableCommitIndexTest}; the old rule planted in
 *       {@code PlantedUndurableRemovalBugTest} failed this seed again until the leader's filter of stale
 *       rejoin promotions changed its draws — that test now holds the story with seed 889).</li>
 *   <li>2 groups, seed 190 (from seeds 101–200): a metadata change still in flight when the workload
 *       stopped committed while the partitions settled, after the metadata groups had converged, and the
 *       acknowledgement check ran before a replica applied it. Fixed in the simulator: the metadata
 *       groups settle again after the partitions.</li>
 * </ul>
 */
class MembershipRegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}, {1} metadata groups")
    @CsvSource({"4, 1", "19, 1", "94, 1", "341, 1", "696, 1", "4, 2", "10, 2", "39, 2", "190, 2"})
    void aSeedThatOnceFailedPassesWithEveryChecker(long seed, int groups) {
        assertPasses(RuntimeSimulation.runMetadata(MetadataOptions.withFrequentSnapshots(
                RuntimeSimConfig.defaults(seed, groups)), MetadataOptions.defaults(), null));
    }

    /**
     * Seed 19 of {@code --nodes 7 --replicas 5} (one group), which the rule before {@code createToElect} left
     * with a group that never elected a leader (counted {@code partition-unelected} then; genesis voters
     * [4, 5] shrank to [4]); it fails again with {@code --plant assume-hosted}.
     */
    @ParameterizedTest(name = "seed {0} of 7 nodes, 5 replicas")
    @CsvSource({"19"})
    void aSevenNodeSeedThatOnceLeftAGroupUnelectedPasses(long seed) {
        assertPasses(RuntimeSimulation.runMetadata(MetadataOptions.withFrequentSnapshots(
                RuntimeSimConfig.defaults(seed, 1).withNodes(7, 5)), MetadataOptions.defaults(), null));
    }

    @ParameterizedTest(name = "seed {0} of partition,wipe")
    @CsvSource({"11"})
    void aWipeSeedThatOnceFailedPassesWithEveryChecker(long seed) {
        assertPasses(RuntimeSimulation.runMetadata(ReconcilerSimulationTest.wipes(seed), MetadataOptions.defaults(),
                null));
    }

    private static void assertPasses(SimResult r) {
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid");
    }
}
