package io.conclave.partition.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable view of the cluster's metadata at one offset of the metadata log. Readers on any
 * thread share it; a new image replaces it after each replayed batch.
 *
 * @param offset the metadata log index this image reflects
 * @param topicIdHighWater the largest topic id ever created (ids are never reused, even after a delete)
 * @param groupIdHighWater the largest partition group id ever assigned (never reused: a deleted
 *        partition's replicas may still exist on some disk)
 */
public record ClusterImage(long offset, SortedMap<Long, NodeInfo> nodes, SortedMap<Long, TopicInfo> topics,
                           SortedMap<Long, List<PartitionInfo>> partitionsByTopic, long topicIdHighWater,
                           long groupIdHighWater) {

    public static final ClusterImage EMPTY = new ClusterImage(0, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), 0, 0);

    public ClusterImage {
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        TreeMap<Long, List<PartitionInfo>> p = new TreeMap<>();
        partitionsByTopic.forEach((k, v) -> p.put(k, List.copyOf(v)));
        partitionsByTopic = Collections.unmodifiableSortedMap(p);
    }

    public Optional<TopicInfo> topic(String name) {
        for (TopicInfo t : topics.values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public List<PartitionInfo> partitions(long topicId) {
        return partitionsByTopic.getOrDefault(topicId, List.of());
    }

    /** The ACTIVE (or MIGRATING) partition of the topic whose hash range holds {@code keyHash}. */
    public Optional<PartitionInfo> partitionForKey(long topicId, long keyHash) {
        for (PartitionInfo p : partitions(topicId)) {
            if (p.state() != PartitionState.SPLITTING && p.owns(keyHash)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Replica count per node over every partition: the load that placement balances. */
    public NavigableMap<Long, Integer> replicaCounts() {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (Long n : nodes.keySet()) {
            counts.put(n, 0);
        }
        for (List<PartitionInfo> ps : partitionsByTopic.values()) {
            for (PartitionInfo p : ps) {
                for (Long r : p.replicas()) {
                    counts.merge(r, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** Every partition hosted (as a replica) on {@code nodeId}. */
    public List<PartitionInfo> partitionsOn(long nodeId) {
        List<PartitionInfo> out = new ArrayList<>();
        for (List<PartitionInfo> ps : partitionsByTopic.values()) {
            for (PartitionInfo p : ps) {
                if (p.replicas().contains(nodeId)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    public long nextTopicId() {
        return topicIdHighWater + 1;
    }

    /** Group ids are unique across topics and never reused (group 0 is the controller's). */
    public long nextGroupId() {
        return groupIdHighWater + 1;
    }
}
