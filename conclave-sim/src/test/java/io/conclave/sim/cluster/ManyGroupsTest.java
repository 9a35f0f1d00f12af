package io.conclave.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.SimOptions;
import org.junit.jupiter.api.Test;

/**
 * Many groups over a few nodes under faults: {@code -Dsim.groups=N} groups (default 1,000) of three
 * replicas on five nodes, one client per group, every check on.
 */
class ManyGroupsTest {

    @Test
    void aThousandGroupsOnFiveNodesStayCorrectAndLiveUnderFaults() {
        int groups = SeedRuns.count("sim.groups", 1000);
        SimOptions opts = SimOptions.parse(new String[] {"--nodes", "5", "--groups", Integer.toString(groups),
                "--replicas", "3", "--duration", "3"});
        SimResult r = Simulation.run(opts.config(1));
        assertThat(r.failure()).as("replay: %s", opts.replayCommand(1)).isNull();
        assertThat(r.history().byKey()).hasSizeGreaterThanOrEqualTo(groups);
        assertThat(r.faults()).isNotEmpty();
        assertThat(r.checks()).containsEntry("linearizability", "valid").containsEntry("convergence", "valid");
    }
}
