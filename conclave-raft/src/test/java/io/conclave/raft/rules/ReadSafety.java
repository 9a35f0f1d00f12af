package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;

import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.ReadMode;
import io.conclave.raft.ReadState;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A randomized linearizability check for reads: a five-node group under message loss, partitions and
 * leadership transfers, with writes every tick and a read issued on a random node every tick. Each
 * read records the highest commit index of any node when it was issued (every write committed
 * before the read began is at or below it); the answer's index must not be lower. All tick clocks
 * run at the same rate, so lease reads must be as safe as ReadIndex.
 */
final class ReadSafety {

    /** Reads answered, and the first violation found (null if none). */
    record Outcome(int answered, String violation) {
    }

    private ReadSafety() {
    }

    static Outcome run(long seed, ReadMode mode) {
        return run(seed, mode, Set.of());
    }

    static Outcome run(long seed, ReadMode mode, Set<PlantedBug> bugs) {
        return run(seed, mode, bugs, new double[] {1, 1, 1, 1, 1});
    }

    /**
     * As {@link #run(long, ReadMode)}, with node {@code i + 1}'s clock ticking {@code rates[i]} times
     * per step (fractions carried over): clock drift between nodes.
     */
    static Outcome run(long seed, ReadMode mode, Set<PlantedBug> bugs, double[] rates) {
        long[] five = {1, 2, 3, 4, 5};
        double[] owed = new double[5];
        Net net = new Net(id -> RaftConfig.builder(id).leaseReads(mode == ReadMode.LEASE).build(), seed, bugs);
        net.voters(five);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Long> floor = new HashMap<>();
        Map<Long, Integer> consumed = new HashMap<>();
        int answered = 0;
        for (int tick = 0; tick < 400; tick++) {
            if (tick % 40 == 0) {
                net.heal();
                net.dropIf(m -> rnd.nextInt(100) < 3);
                Set<Long> side = new HashSet<>();
                side.add(1 + (long) rnd.nextInt(5));
                if (rnd.nextBoolean()) {
                    side.add(1 + (long) rnd.nextInt(5));
                }
                net.partition(side);
            }
            long leader = net.leader();
            if (leader != 0) {
                net.node(leader).propose(bytes("w" + tick));
                if (rnd.nextInt(25) == 0) {
                    net.node(leader).transferLeadership(1 + rnd.nextInt(5));
                }
            }
            long maxCommit = 0;
            for (long id : five) {
                maxCommit = Math.max(maxCommit, net.node(id).commitIndex());
            }
            String ctx = "r" + tick;
            floor.put(ctx, maxCommit);
            net.node(1 + rnd.nextInt(5)).readIndex(ctx.getBytes(StandardCharsets.UTF_8), mode);
            for (int i = 0; i < 5; i++) {
                owed[i] += rates[i];
                while (owed[i] >= 1) {
                    owed[i] -= 1;
                    net.tick(five[i]);
                }
            }
            net.stabilize();
            for (long id : five) {
                var states = net.host(id).readStates;
                for (int i = consumed.getOrDefault(id, 0); i < states.size(); i++) {
                    ReadState rs = states.get(i);
                    String c = new String(rs.context(), StandardCharsets.UTF_8);
                    answered++;
                    if (rs.index() < floor.get(c)) {
                        return new Outcome(answered, "node " + id + " answered read " + c + " at index " + rs.index()
                                + " but index " + floor.get(c) + " was committed before it was issued");
                    }
                }
                consumed.put(id, states.size());
            }
        }
        return new Outcome(answered, null);
    }
}
