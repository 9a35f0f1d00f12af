package io.conclave.partition.placement;

import io.conclave.partition.metadata.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Initial replica placement: rack-aware (no two replicas of a partition on one rack while there
 * are enough racks) and balanced by replica count; then, within each partition's replicas, the
 * preferred leader (first replica) is the one leading the fewest partitions so far. Deterministic:
 * the same nodes, loads and request give the same assignment.
 */
public final class ReplicaPlacer {

    private ReplicaPlacer() {
    }

    /**
     * Chooses {@code replicationFactor} nodes for each of {@code partitions} new partitions.
     *
     * @param nodes the live nodes, in id order
     * @param load replicas each node already hosts (missing = 0)
     * @param leaderLoad preferred leaderships each node already holds (missing = 0)
     * @throws IllegalArgumentException when there are fewer nodes than the replication factor
     */
    public static List<List<Long>> place(List<NodeInfo> nodes, Map<Long, Integer> load, Map<Long, Integer> leaderLoad,
                                         int partitions, int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, was " + replicationFactor);
        }
        if (nodes.size() < replicationFactor) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " exceeds the "
                    + nodes.size() + " live node(s)");
        }
        Map<Long, Integer> replicas = new HashMap<>(load);
        Map<Long, Integer> leaders = new HashMap<>(leaderLoad);
        List<List<Long>> out = new ArrayList<>(partitions);
        int n = nodes.size();
        for (int p = 0; p < partitions; p++) {
            List<Long> chosen = new ArrayList<>(replicationFactor);
            Set<String> racks = new HashSet<>();
            for (int slot = 0; slot < replicationFactor; slot++) {
                NodeInfo best = null;
                long bestKey = Long.MAX_VALUE;
                boolean bestNewRack = false;
                for (int k = 0; k < n; k++) {
                    // Rotate the scan start so that ties spread over the nodes.
                    NodeInfo cand = nodes.get((k + p + slot) % n);
                    if (chosen.contains(cand.nodeId())) {
                        continue;
                    }
                    boolean newRack = !racks.contains(cand.rack());
                    long score = replicas.getOrDefault(cand.nodeId(), 0);
                    if (best == null || (newRack && !bestNewRack) || (newRack == bestNewRack && score < bestKey)) {
                        best = cand;
                        bestKey = score;
                        bestNewRack = newRack;
                    }
                }
                chosen.add(best.nodeId());
                racks.add(best.rack());
                replicas.merge(best.nodeId(), 1, Integer::sum);
            }
            // The preferred leader (first replica) is the chosen node that leads the fewest so far.
            int lead = 0;
            for (int i = 1; i < chosen.size(); i++) {
                if (leaders.getOrDefault(chosen.get(i), 0) < leaders.getOrDefault(chosen.get(lead), 0)) {
                    lead = i;
                }
            }
            chosen.add(0, chosen.remove(lead));
            leaders.merge(chosen.get(0), 1, Integer::sum);
            out.add(List.copyOf(chosen));
        }
        return out;
    }
}
