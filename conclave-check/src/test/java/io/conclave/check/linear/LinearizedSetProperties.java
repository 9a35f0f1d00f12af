package io.conclave.check.linear;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Snapshots are canonical: two snapshots are equal exactly when the sets were equal. */
class LinearizedSetProperties {
    @Property(tries = 100)
    void snapshotsAreEqualExactlyWhenTheSetsAre(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int size) {
        Random rnd = new Random(seed);
        LinearizedSet set = new LinearizedSet(size);
        BitSet model = new BitSet(size);
        Map<LinearizedSet.Snapshot, BitSet> setOf = new HashMap<>();
        Map<BitSet, LinearizedSet.Snapshot> snapshotOf = new HashMap<>();
        List<Integer> lingering = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lingering.add(rnd.nextInt(size));
        }
        for (int step = 0; step < 400; step++) {
            // Mostly grow a prefix, as the search does, leaving a few ids behind; sometimes clear at random.
            int id = rnd.nextInt(4) == 0 ? rnd.nextInt(size) : Math.min(size - 1, model.nextClearBit(0) + rnd.nextInt(6));
            if (lingering.contains(id) && rnd.nextInt(10) != 0) {
                continue;
            }
            if (model.get(id) && rnd.nextInt(3) == 0) {
                set.clear(id);
                model.clear(id);
            } else if (!model.get(id)) {
                set.set(id);
                model.set(id);
            }
            LinearizedSet.Snapshot snap = set.snapshot();
            BitSet sameSnapshot = setOf.putIfAbsent(snap, (BitSet) model.clone());
            LinearizedSet.Snapshot sameSet = snapshotOf.putIfAbsent((BitSet) model.clone(), snap);
            if (sameSnapshot != null) {
                assertThat(sameSnapshot).isEqualTo(model);
            }
            if (sameSet != null) {
                assertThat(sameSet).isEqualTo(snap).hasSameHashCodeAs(snap);
            }
        }
    }
}
