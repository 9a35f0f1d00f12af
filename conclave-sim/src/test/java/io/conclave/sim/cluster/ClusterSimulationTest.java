package io.conclave.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole clusters under the swarm nemesis with every invariant and checker on. Seed counts:
 * {@code -Dsim.seeds3=N} and {@code -Dsim.seeds5=N} (CI defaults keep the module's tests within
 * budget; raise them for a soak). A failure lists every failing seed with the command that replays it.
 */
class ClusterSimulationTest {

    @Test
    void threeNodeClustersPassEveryCheckUnderMixedFaults() {
        int seeds = SeedRuns.count("sim.seeds3", 160);
        List<String> failures = new ArrayList<>();
        failures.addAll(SeedRuns.failures(1000, seeds / 2, "--nodes", "3"));
        failures.addAll(SeedRuns.failures(2000, seeds - seeds / 2, "--nodes", "3", "--lease"));
        assertThat(failures).as("failing seeds").isEmpty();
    }

    @Test
    void fiveNodeClustersPassEveryCheckUnderMixedFaults() {
        int seeds = SeedRuns.count("sim.seeds5", 120);
        List<String> failures = new ArrayList<>();
        failures.addAll(SeedRuns.failures(3000, seeds / 2, "--nodes", "5"));
        failures.addAll(SeedRuns.failures(4000, seeds - seeds / 2, "--nodes", "5", "--groups", "3", "--replicas",
                "3"));
        assertThat(failures).as("failing seeds").isEmpty();
    }
}
