package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.SimOptions;
import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeds of {@code --runtime --workload log --nemesis all} (the command line's defaults) that once failed.
 * Seed 32, once the simulated nodes' WAL files were preallocated (which moved its draws): a read error
 * struck while the housekeeper materialized an append that replaced a suffix, and the segment log
 * marked itself unusable although nothing had changed yet; the partition's leader could never read its
 * entries again (liveness: the final read of p1 never succeeded). Fixed in {@code SegmentLog.truncateSuffix}
 * ({@code IoFailureTest.aReadErrorWhileLocatingACutLeavesTheLogUnchangedAndUsable}).
 */
class LogRegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {32})
    void aSeedThatOnceFailedPassesWithEveryChecker(long seed) {
        SimOptions opts = SimOptions.parse(new String[] {"--seed", Long.toString(seed), "--runtime", "--workload",
                "log", "--nemesis", "all"});

        SimResult r = RuntimeSimulation.runLog(opts.runtimeConfig(seed), opts.logOptions(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid").containsEntry("log-scan", "valid");
    }
}
