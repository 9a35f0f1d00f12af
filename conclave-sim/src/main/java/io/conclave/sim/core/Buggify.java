package io.conclave.sim.core;

import java.util.TreeMap;

/**
 * FoundationDB-style buggify points: places in the simulator's host code that, when the run enables
 * them, sometimes take a rare path (a spurious unreachable report, an early snapshot, a slow fsync).
 * Whether buggify is on for a run, which points are active, and each firing all come from the
 * seed. Points are activated on first use, so the set of points can grow without shifting others.
 */
public final class Buggify {

    private final boolean enabled;
    private final double fireProbability;
    private final SimRandom random;
    private final TreeMap<String, Boolean> active = new TreeMap<>();
    private final TreeMap<String, Long> fired = new TreeMap<>();

    public Buggify(boolean enabled, double fireProbability, SimRandom random) {
        if (fireProbability < 0 || fireProbability > 1) {
            throw new IllegalArgumentException("fire probability must be in [0, 1]");
        }
        this.enabled = enabled;
        this.fireProbability = fireProbability;
        this.random = random;
    }

    public static Buggify off() {
        return new Buggify(false, 0, SimRandom.of(0, "buggify"));
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether the point {@code name} takes its rare path this time. */
    public boolean fire(String name) {
        if (!enabled) {
            return false;
        }
        boolean on = active.computeIfAbsent(name, n -> SimRandom.of(random.nextLong(), n).chance(0.5));
        if (on && random.chance(fireProbability)) {
            fired.merge(name, 1L, Long::sum);
            return true;
        }
        return false;
    }

    /** How often each point fired. */
    public TreeMap<String, Long> fired() {
        return new TreeMap<>(fired);
    }
}
