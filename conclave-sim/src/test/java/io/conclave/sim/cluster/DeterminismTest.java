package io.conclave.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.HistoryWriter;
import io.conclave.sim.SimOptions;
import org.junit.jupiter.api.Test;

class DeterminismTest {

    @Test
    void theSameSeedGivesTheSameTraceHashAndHistory() {
        SimOptions opts = SimOptions.parse(new String[] {"--nodes", "3", "--buggify", "on"});
        for (long seed = 1; seed <= 4; seed++) {
            SimResult a = Simulation.run(opts.config(seed));
            SimResult b = Simulation.run(opts.config(seed));
            assertThat(b.traceHash()).as("trace hash of seed %d", seed).isEqualTo(a.traceHash());
            assertThat(HistoryWriter.toText(b.history())).isEqualTo(HistoryWriter.toText(a.history()));
            assertThat(b.events()).isEqualTo(a.events());
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        SimOptions opts = SimOptions.parse(new String[] {"--nodes", "3"});
        assertThat(Simulation.run(opts.config(1)).traceHash()).isNotEqualTo(Simulation.run(opts.config(2)).traceHash());
    }
}
