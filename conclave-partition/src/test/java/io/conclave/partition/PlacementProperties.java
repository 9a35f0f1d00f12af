package io.conclave.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.placement.ReplicaPlacer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Placement is rack-aware, balanced by replica count and by preferred leaders, and deterministic. */
class PlacementProperties {

    private static List<NodeInfo> nodes(int count, int racks) {
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(new NodeInfo(i, 1, "127.0.0.1", 9000 + i, 10000 + i, "rack-" + (i % racks)));
        }
        return out;
    }

    @Property(tries = 300)
    void noTwoReplicasShareARackWhileRacksAllow(@ForAll @IntRange(min = 1, max = 30) int nodeCount,
                                                @ForAll @IntRange(min = 1, max = 6) int racks,
                                                @ForAll @IntRange(min = 1, max = 200) int partitions,
                                                @ForAll @IntRange(min = 1, max = 5) int rf) {
        if (rf > nodeCount) {
            return;
        }
        List<NodeInfo> ns = nodes(nodeCount, racks);
        Map<Long, String> rackOf = new HashMap<>();
        ns.forEach(n -> rackOf.put(n.nodeId(), n.rack()));
        int distinctRacks = (int) ns.stream().map(NodeInfo::rack).distinct().count();
        List<List<Long>> placed = ReplicaPlacer.place(ns, Map.of(), Map.of(), partitions, rf);
        assertThat(placed).hasSize(partitions);
        for (List<Long> replicas : placed) {
            assertThat(new HashSet<>(replicas)).hasSize(rf);
            Set<String> used = new HashSet<>();
            replicas.forEach(r -> used.add(rackOf.get(r)));
            assertThat(used).hasSize(Math.min(rf, distinctRacks));
        }
    }

    @Property(tries = 200)
    void replicasSpreadWithinOneAndLeadersWithinTwoOverEvenRacks(@ForAll @IntRange(min = 1, max = 4) int racks,
                                                        @ForAll @IntRange(min = 1, max = 5) int perRack,
                                                        @ForAll @IntRange(min = 1, max = 300) int partitions,
                                                        @ForAll @IntRange(min = 1, max = 3) int rf) {
        int count = racks * perRack;
        if (rf > count) {
            return;
        }
        List<List<Long>> placed = ReplicaPlacer.place(nodes(count, racks), Map.of(), Map.of(), partitions, rf);
        Map<Long, Integer> load = new HashMap<>();
        Map<Long, Integer> leaders = new HashMap<>();
        for (int i = 1; i <= count; i++) {
            load.put((long) i, 0);
            leaders.put((long) i, 0);
        }
        for (List<Long> r : placed) {
            r.forEach(n -> load.merge(n, 1, Integer::sum));
            leaders.merge(r.get(0), 1, Integer::sum);
        }
        int maxLoad = load.values().stream().max(Integer::compare).orElseThrow();
        int minLoad = load.values().stream().min(Integer::compare).orElseThrow();
        assertThat(maxLoad - minLoad).as("replica counts %s", load).isLessThanOrEqualTo(1);
        int maxLeaders = leaders.values().stream().max(Integer::compare).orElseThrow();
        int minLeaders = leaders.values().stream().min(Integer::compare).orElseThrow();
        // Leaders are chosen greedily inside each partition's replica set; the rebalancer evens them
        // further by leadership transfer.
        assertThat(maxLeaders - minLeaders).as("leader counts %s", leaders).isLessThanOrEqualTo(2);
    }

    @Property(tries = 50)
    void placementIsDeterministic(@ForAll @IntRange(min = 3, max = 12) int count,
                                  @ForAll @IntRange(min = 1, max = 100) int partitions) {
        List<NodeInfo> ns = nodes(count, 3);
        assertThat(ReplicaPlacer.place(ns, Map.of(), Map.of(), partitions, 3))
                .isEqualTo(ReplicaPlacer.place(ns, Map.of(), Map.of(), partitions, 3));
    }
}
