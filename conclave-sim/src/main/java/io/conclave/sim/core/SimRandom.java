package io.conclave.sim.core;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded randomness for one component of a run. Every component draws from its own stream, derived
 * from the run seed and the component's name, so adding draws in one component does not shift the
 * others.
 */
public final class SimRandom {

    private final SplittableRandom random;

    private SimRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The stream of the component {@code name} in the run {@code runSeed}. */
    public static SimRandom of(long runSeed, String name) {
        return new SimRandom(mix(runSeed ^ Trace.fnv(name)));
    }

    /** A child stream for a sub-component, e.g. one node of the network. */
    public SimRandom child(String name) {
        return new SimRandom(mix(random.nextLong() ^ Trace.fnv(name)));
    }

    /** Stafford's mix 13 (as in SplittableRandom), so nearby seeds give unrelated streams. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        return random.nextLong();
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform in [lo, hi] (inclusive). */
    public long between(long lo, long hi) {
        if (hi < lo) {
            throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
        }
        return lo == hi ? lo : lo + random.nextLong(hi - lo + 1);
    }

    public double nextDouble() {
        return random.nextDouble();
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    /** Exponentially distributed with the given mean (capped at 20 means, so a run stays bounded). */
    public long exponential(long meanNs) {
        if (meanNs <= 0) {
            return 0;
        }
        double u = random.nextDouble();
        double x = -Math.log(1 - u);
        return (long) (Math.min(x, 20.0) * meanNs);
    }

    public <T> T pick(List<T> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("pick from an empty list");
        }
        return items.get(random.nextInt(items.size()));
    }
}
