package io.conclave.raft.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.PlantedBug;
import io.conclave.raft.property.SafetyViolation.Invariant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

/**
 * The property's schedules and checkers together catch the core's planted bugs: random schedules
 * (deterministic seeds) are run against a core with one bug switched on until a checker reports it.
 * Proves the end-to-end property can fail. The Figure 8 bug needs an interleaving too rare for a
 * bounded random search; {@link FigureEightTest} plays it step by step.
 */
class PlantedBugTest {

    /** Bound on the schedules tried per bug. */
    private static final int SCHEDULES_MAX = Integer.getInteger("raft.planted.schedules", 400);

    @Example
    void votingTwiceInATermIsCaughtAsTwoLeadersInOneTerm() {
        assertThat(firstViolation(PlantedBug.VOTE_IGNORES_TERM, Schedules.schedules())).isEqualTo(Invariant.ELECTION_SAFETY);
    }

    @Example
    void theSameSchedulesPassWithoutTheBug() {
        RandomGenerator<List<Action>> gen = Schedules.schedules().generator(1000);
        for (int seed = 0; seed < 20; seed++) {
            ScheduleRunner.run(seed % 2 == 0 ? 3 : 5, seed, gen.next(new Random(seed)).value(), Set.of());
        }
    }

    /** The invariant that catches {@code bug} in the first failing schedule. */
    private static Invariant firstViolation(PlantedBug bug, Arbitrary<List<Action>> schedules) {
        RandomGenerator<List<Action>> gen = schedules.generator(1000);
        for (int seed = 0; seed < SCHEDULES_MAX; seed++) {
            List<Action> schedule = gen.next(new Random(seed)).value();
            try {
                ScheduleRunner.run(seed % 2 == 0 ? 3 : 5, seed, schedule, Set.of(bug));
            } catch (SafetyViolation v) {
                return v.invariant;
            } catch (AssertionError e) {
                throw new AssertionError("the core's own check caught " + bug + " before ours (seed " + seed + ")",
                        e);
            }
        }
        throw new AssertionError(bug + " not caught in " + SCHEDULES_MAX + " schedules");
    }
}
