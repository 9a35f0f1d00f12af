package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.Outcome;
import io.conclave.sim.cluster.SimResult;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The scale run (not in CI): {@code -Dsim.runtime.scale=true} runs 100 simulated nodes with 10,000
 * groups of three replicas (300 replicas per node) under crashes and partitions, and prints simulated
 * seconds per wall second and the peak heap. Sizes: {@code -Dsim.runtime.scale.nodes},
 * {@code .groups}, {@code .seconds}. Figures in docs/bench/sim.md.
 */
@EnabledIfSystemProperty(named = "sim.runtime.scale", matches = "true")
class ScaleRuntimeRunTest {

    @Test
    void aHundredNodesWithTenThousandGroupsRunUnderFaults() {
        int nodes = Integer.getInteger("sim.runtime.scale.nodes", 100);
        int groups = Integer.getInteger("sim.runtime.scale.groups", 10_000);
        long seconds = Long.getLong("sim.runtime.scale.seconds", 5);
        RuntimeSimConfig config = RuntimeSimConfig.defaults(1, groups).withNodes(nodes, 3)
                .withFaultNs(seconds * 1_000_000_000L).withClients(16)
                .withFaults(EnumSet.of(RuntimeFault.CRASH, RuntimeFault.PARTITION));
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        SimResult r = RuntimeSimulation.run(config);
        long cpuNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
        long gcMs = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += g.getCollectionTime();
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peakHeap += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf("scale run: %d nodes, %d groups, %s%n  simulated %.2f s in %.1f s wall (%.3f simulated s per"
                        + " wall s), %.1f s CPU of the simulation thread (%.3f simulated s per CPU s), GC %d ms;"
                        + " events %d; ops ok %d; peak heap %d MiB; faults %s; trace %s%n",
                nodes, groups, r.passed() ? "PASS" : "FAIL " + r.failure(), r.simNs() / 1e9, r.wallNs() / 1e9,
                (r.simNs() / 1e9) / (r.wallNs() / 1e9), cpuNs / 1e9, (r.simNs() / 1e9) / (cpuNs / 1e9), gcMs,
                r.events(), r.count(Outcome.OK), peakHeap >> 20, r.faults(), r.traceHashHex());
        assertThat(r.failure()).isNull();
    }
}
