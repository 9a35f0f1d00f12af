package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.Level;
import io.conclave.check.history.OpType;
import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

/** The data plane (the server's real produce and fetch) under the runtime nemesis passes the log checkers. */
class LogSimulationTest {

    static RuntimeSimConfig config(long seed) {
        return RuntimeSimConfig.defaults(seed, 4).withFaultNs(5_000_000_000L);
    }

    static long count(SimResult r, OpType op, Level level) {
        return r.history().operations().stream().filter(o -> o.op() == op && o.isOk() && o.level() == level).count();
    }

    @Test
    void acknowledgedAppendsAndReadsOfTheRealDataPlaneStayLinearizableUnderFaults() {
        for (long seed = 1; seed <= Long.getLong("logSeeds", 2); seed++) {
            SimResult r = RuntimeSimulation.runLog(config(seed), LogOptions.defaults());
            assertThat(r.failure()).as("seed " + seed).isNull();
            assertThat(r.checks()).containsKeys("linearizability", "log-scan", "convergence");
            assertThat(count(r, OpType.APPEND, Level.STRONG)).as("strong appends acknowledged").isPositive();
            assertThat(count(r, OpType.APPEND, Level.LINEARIZABLE)).as("linearizable appends acknowledged").isPositive();
            assertThat(count(r, OpType.APPEND, Level.EVENTUAL)).as("eventual appends acknowledged").isPositive();
            assertThat(r.history().operations().stream().filter(o -> o.op() == OpType.READ && o.isOk()
                    && o.level() == Level.LINEARIZABLE && !o.values().isEmpty()).count())
                    .as("linearizable reads that saw records").isPositive();
            assertThat(r.history().operations().stream().filter(o -> o.op() == OpType.READ && o.isOk()
                    && o.level() == Level.STRONG && !o.values().isEmpty()).count())
                    .as("strong (lease) reads that saw records").isPositive();
        }
    }

    @Test
    void aLogRunIsDeterministicInItsSeed() {
        SimResult a = RuntimeSimulation.runLog(config(2), LogOptions.defaults());
        SimResult b = RuntimeSimulation.runLog(config(2), LogOptions.defaults());
        assertThat(a.traceHash()).isEqualTo(b.traceHash());
        assertThat(a.history().operations()).isEqualTo(b.history().operations());
    }
}
