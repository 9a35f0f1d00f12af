package io.conclave.raft;

import java.util.SplittableRandom;

/** The core's only source of randomness, injected so that a run is a function of its seed. */
public interface RandomSource {

    /** A uniformly drawn int in [0, bound). */
    int nextInt(int bound);

    /** A deterministic source from a seed. */
    static RandomSource seeded(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return r::nextInt;
    }
}
