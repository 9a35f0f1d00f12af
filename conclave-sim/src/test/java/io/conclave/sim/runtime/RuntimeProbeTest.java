package io.conclave.sim.runtime;

import io.conclave.sim.cluster.SimResult;
import org.junit.jupiter.api.Test;

class RuntimeProbeTest {
    @Test
    void probe() {
        int groups = Integer.getInteger("probe.groups", 10);
        long seeds = Long.getLong("probe.seeds", 3);
        boolean drop = Boolean.getBoolean("probe.drop");
        for (long s = 1; s <= seeds; s++) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(s, groups).withDropFsync(drop));
            System.out.println("seed " + s + " " + (r.passed() ? "PASS" : "FAIL " + r.failure()) + " ops="
                    + r.history().operations().size() + " faults=" + r.faults() + " checks=" + r.checks() + " sim="
                    + r.simNs() / 1e9 + "s wall=" + r.wallNs() / 1e6 + "ms events=" + r.events() + " trace="
                    + r.traceHashHex());
            long t0 = System.nanoTime();
            RuntimeSimulation.check(r.history(), new java.util.HashMap<>());
            System.out.println("check alone " + (System.nanoTime() - t0) / 1e6 + " ms");
        }
    }
}
