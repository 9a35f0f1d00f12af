package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.Outcome;
import io.conclave.sim.cluster.SimResult;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * A thousand groups on three nodes of the real runtime: storage engine shared by all groups of a node
 * (WAL group commit), two event loops per node, node-level liveness. A short fault phase with crashes
 * and partitions; every group must elect, survive, settle and converge. Longer:
 * {@code -Dsim.runtime.thousand.seconds=S}.
 */
class ThousandGroupsRuntimeTest {

    @Test
    void aThousandGroupsOnThreeNodesSurviveCrashesAndPartitions() {
        long seconds = Long.getLong("sim.runtime.thousand.seconds", 2);
        RuntimeSimConfig config = RuntimeSimConfig.defaults(7, 1_000).withFaultNs(seconds * 1_000_000_000L)
                .withFaults(EnumSet.of(RuntimeFault.CRASH, RuntimeFault.PARTITION));
        SimResult r = RuntimeSimulation.run(config);
        assertThat(r.failure()).isNull();
        assertThat(r.count(Outcome.OK)).isGreaterThan(50);
        assertThat(r.checks()).containsEntry("linearizability", "valid");
    }
}
