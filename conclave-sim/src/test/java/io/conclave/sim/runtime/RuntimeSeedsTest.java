package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.Outcome;
import io.conclave.sim.cluster.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeds of the real runtime (3 nodes, every fault kind): each must keep every invariant, settle after
 * healing, pass its final reads and the linearizability checker. More seeds or groups:
 * {@code -Dsim.runtime.seeds=N -Dsim.runtime.groups=G}.
 */
class RuntimeSeedsTest {

    @Test
    void seedsOfTheRuntimeUnderFaultsKeepEveryInvariantAndCheckLinearizable() {
        int seeds = Integer.getInteger("sim.runtime.seeds", 6);
        int groups = Integer.getInteger("sim.runtime.groups", 10);
        List<String> failures = new ArrayList<>();
        TreeMap<String, Long> faults = new TreeMap<>();
        long ok = 0;
        long unknown = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, groups).withFaultNs(4_000_000_000L));
            if (!r.passed()) {
                failures.add("seed " + seed + ": " + r.failure());
            }
            r.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
            ok += r.count(Outcome.OK);
            unknown += r.count(Outcome.UNKNOWN);
            assertThat(r.checks()).containsEntry("linearizability", "valid");
        }
        assertThat(failures).isEmpty();
        assertThat(ok).isGreaterThan(100L * seeds);
        assertThat(faults.getOrDefault("crash", 0L) + faults.getOrDefault("torn-crash", 0L)).isPositive();
        assertThat(faults).containsKey("partition");
        assertThat(unknown).isLessThan(ok);
    }
}
