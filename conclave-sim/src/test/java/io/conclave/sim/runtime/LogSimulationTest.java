package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/** The data plane (the server's real produce and fetch) under the runtime nemesis passes the log checkers. */
class LogSimulationTest {

    static RuntimeSimConfig config(long seed) {
        return RuntimeSimConfig.defaults(seed, 4).withFaultNs(5_000_000_000L);
    }

    @Test
    void logWorkloadPassesUnderFaults() {
        for (long seed = 1; seed <= Long.getLong("logSeeds", 2); seed++) {
            long t0 = System.nanoTime();
            SimResult r = RuntimeSimulation.runLog(config(seed), LogOptions.defaults());
            System.out.println("seed " + seed + " ops=" + r.history().operations().size() + " verdicts=" + r.checks()
                    + " faults=" + r.faults() + " wallMs=" + (System.nanoTime() - t0) / 1_000_000
                    + " failure=" + r.failure());
            assertThat(r.failure()).as("seed " + seed).isNull();
            assertThat(r.checks()).containsKeys("linearizability", "log-scan", "convergence");
        }
    }
}
