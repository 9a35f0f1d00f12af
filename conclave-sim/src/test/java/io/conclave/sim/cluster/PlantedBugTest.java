package io.conclave.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.SimOptions;
import org.junit.jupiter.api.Test;

/**
 * Each planted bug must be caught — by an invariant or a history checker — within a stated number
 * of seeds, under a nemesis that gives it a chance to matter. Seeds run from 1 until the first catch.
 */
class PlantedBugTest {

    /** Runs seeds 1..maxSeeds; returns the first failure text, or null when none failed. */
    private static String firstCatch(int maxSeeds, String... args) {
        SimOptions opts = SimOptions.parse(args);
        for (long s = 1; s <= maxSeeds; s++) {
            SimResult r = Simulation.run(opts.config(s));
            if (!r.passed()) {
                return "seed " + s + ": " + r.failure();
            }
        }
        return null;
    }

    @Test
    void ackingAWriteBeforeADurableMajorityIsCaughtWithinThreeSeeds() {
        String caught = firstCatch(3, "--plant", "ack-at-append", "--nemesis", "crash,partition");
        assertThat(caught).isNotNull().contains("ack-after-durable-majority");
    }

    @Test
    void droppedFsyncsAreCaughtWithinThreeSeeds() {
        String caught = firstCatch(3, "--plant", "drop-fsync", "--nemesis", "crash");
        assertThat(caught).isNotNull().containsAnyOf("ack-after-durable-majority", "durable-hard-state");
    }

    @Test
    void votesThatIgnoreTheTermAreCaughtWithinTenSeeds() {
        String caught = firstCatch(10, "--plant", "vote-ignores-term", "--nemesis", "partition,crash,pause");
        assertThat(caught).isNotNull().containsAnyOf("one-vote-per-term", "one-leader-per-term", "checker");
    }

    @Test
    void aDeposedLeaderServingReadsIsCaughtWithinTwentySeeds() {
        String caught = firstCatch(20, "--plant", "deposed-leader-reads", "--nemesis", "partition,pause,clock",
                "--ops", "1000");
        assertThat(caught).isNotNull().contains("checker linearizability invalid");
    }

    @Test
    void aLinearizableReadWithoutReadIndexIsCaughtWithinSixtySeeds() {
        String caught = firstCatch(60, "--plant", "read-without-read-index", "--nemesis", "pause", "--ops", "1000");
        assertThat(caught).isNotNull().contains("checker linearizability invalid");
    }
}
