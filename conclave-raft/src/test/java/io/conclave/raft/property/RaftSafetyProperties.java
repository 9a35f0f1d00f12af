package io.conclave.raft.property;

import io.conclave.raft.property.ScheduleRunner.Outcome;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Random schedules of faults (loss, duplication, reordering, crashes, partitions, asymmetric cuts),
 * membership changes, leadership transfers, snapshots and proposals on 3- and 5-node clusters;
 * the Raft invariants are checked after every step and liveness once the faults stop (see
 * {@link ScheduleRunner}). A failure prints the shrunk schedule and jqwik's seed; rerun with
 * {@code @Property(seed = "...")} or paste the schedule into {@link RaftRegressionTest}.
 * Soak: {@code mvn -pl conclave-raft test -Dtest=RaftSafetyProperties -Draft.prop.tries=100000}.
 */
class RaftSafetyProperties {

    @Property(tries = 1000)
    @AddLifecycleHook(TriesFromSystemProperty.class)
    void raftStaysSafeAndLiveUnderRandomSchedules(@ForAll("clusterSizes") int size, @ForAll long seed,
                                                  @ForAll("schedules") List<Action> schedule) {
        Outcome o = ScheduleRunner.run(size, seed, schedule, Set.of());
        Statistics.label("nodes").collect(size);
        Statistics.label("payloads applied").collect(bucket(o.appliedPayloads()));
        Statistics.label("conf changes applied (all nodes)").collect(bucket(o.confChangesApplied()));
        Statistics.label("snapshots installed from a leader").collect(bucket(o.snapshotsInstalled()));
        Statistics.label("ticks to leader after faults").collect(bucket(o.ticksToLeader()));
    }

    @Provide
    Arbitrary<Integer> clusterSizes() {
        return Arbitraries.of(3, 5);
    }

    @Provide
    Arbitrary<List<Action>> schedules() {
        return Schedules.schedules();
    }

    private static String bucket(long n) {
        if (n == 0) {
            return "0";
        }
        long lo = Long.highestOneBit(n);
        return lo + ".." + (2 * lo - 1);
    }
}
