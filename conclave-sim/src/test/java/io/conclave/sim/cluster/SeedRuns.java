package io.conclave.sim.cluster;

import io.conclave.sim.SimOptions;
import java.util.ArrayList;
import java.util.List;

/** Helpers for tests that run many seeds: seed counts from system properties, failure reports with replay commands. */
final class SeedRuns {

    private SeedRuns() {
    }

    /** The integer system property {@code name}, or {@code fallback} (CI defaults fit the time budget). */
    static int count(String name, int fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    /** Runs {@code seeds} seeds of the options built from {@code args}; returns the failures as report lines. */
    static List<String> failures(long firstSeed, int seeds, String... args) {
        SimOptions opts = SimOptions.parse(args);
        List<String> out = new ArrayList<>();
        for (long s = firstSeed; s < firstSeed + seeds; s++) {
            SimResult r = Simulation.run(opts.config(s));
            if (!r.passed()) {
                out.add("seed " + s + ": " + r.failure().lines().findFirst().orElse("") + "\n  replay: "
                        + opts.replayCommand(s));
            }
        }
        return out;
    }
}
