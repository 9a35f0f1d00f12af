package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The real runtime under the scheduler is a function of the seed: same seed, same trace, same history. */
class RuntimeDeterminismTest {

    private static SimResult run(long seed) {
        return RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 8).withFaultNs(2_000_000_000L));
    }

    @Test
    void twoSeedsRunTwiceGiveTheSameTraceHashesAndHistories() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        SimResult a1 = run(11);
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        // the runtime's own threads (AgentThread loops and appliers, the storage AgentRunners) never start;
        // the history checker may use a worker thread after the run, which is not the node's
        assertThat(started).as("runtime threads started by a runtime run")
                .noneMatch(t -> t.getName().matches("storage-.*|n\\d+-(loop|apply)-.*"));
        SimResult b1 = run(12);
        SimResult a2 = run(11);
        SimResult b2 = run(12);
        assertThat(a1.failure()).isNull();
        assertThat(b1.failure()).isNull();
        assertThat(a2.traceHash()).isEqualTo(a1.traceHash());
        assertThat(b2.traceHash()).isEqualTo(b1.traceHash());
        assertThat(a2.history().operations()).isEqualTo(a1.history().operations());
        assertThat(a1.traceHash()).isNotEqualTo(b1.traceHash());
        assertThat(a1.history().size()).isGreaterThan(50);
    }

    @Test
    void theDiskClockAndControlFaultsAndBuggifyAreAFunctionOfTheSeedToo() {
        RuntimeSimConfig c = RuntimeSimConfig.defaults(41, 6).withFaultNs(3_000_000_000L).withBuggify(true)
                .withFaults(RuntimeFault.parseList("wipe,disk-full,read-errors,corruption,clock-bump,clock-strobe,"
                        + "membership,transfer,crash"));
        SimResult a = RuntimeSimulation.run(c);
        SimResult b = RuntimeSimulation.run(c);
        assertThat(a.failure()).isNull();
        assertThat(b.traceHash()).isEqualTo(a.traceHash());
        assertThat(b.history().operations()).isEqualTo(a.history().operations());
        assertThat(b.faults()).isEqualTo(a.faults());
        assertThat(a.faults().keySet()).anyMatch(k -> k.startsWith("buggify."));
    }
}
