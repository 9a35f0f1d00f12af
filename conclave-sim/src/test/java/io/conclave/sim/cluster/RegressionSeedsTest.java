package io.conclave.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.SimOptions;
import org.junit.jupiter.api.Test;

/**
 * Seeds that once failed, each named after the bug it found (all in the simulator's own host or
 * nemesis, none in the Raft core). The seed's draws have shifted since the fix (the nemesis grew), so
 * each test also runs the configuration that found it; they stay as cheap, named guards.
 */
class RegressionSeedsTest {

    private static void passes(long seed, String... args) {
        SimOptions opts = SimOptions.parse(args);
        SimResult r = Simulation.run(opts.config(seed));
        assertThat(r.failure()).as("replay: %s", opts.replayCommand(seed)).isNull();
    }

    /** Seed 14: a wiped node's new replica started with no membership and elected itself alone. */
    @Test
    void seed14NewReplicasStartFromTheGroupsGenesisMembership() {
        passes(14, "--nodes", "3");
    }

    /** Seed 1: a new learner refused every snapshot, all taken before it was added (no snapshot after a membership change). */
    @Test
    void seed1LeadersSnapshotAfterEveryMembershipChange() {
        passes(1, "--nodes", "3");
    }

    /** Seed 5: a wipe hit one of only two voters left after a demotion, leaving no majority with the data. */
    @Test
    void seed5WipesNeverTakeTheDataOfAMajority() {
        passes(5, "--nodes", "3");
    }

    /** Seed 18: an ack was judged against the membership applied after its entry had committed. */
    @Test
    void seed18AcksAreJudgedUnderTheCommittingMembership() {
        passes(18, "--nodes", "3");
    }

    /** Seed 31: a wiped replica's storage was forgotten, so writes it had made durable counted as lost. */
    @Test
    void seed31AWipedReplicaStillCountsForWhatItHadMadeDurable() {
        passes(31, "--nodes", "3");
    }

    /** Seed 58: a two-minute backward clock jump froze a node's ticks, so no election ever finished. */
    @Test
    void seed58BackwardClockJumpsStaySmall() {
        passes(58, "--nodes", "3");
    }
}
