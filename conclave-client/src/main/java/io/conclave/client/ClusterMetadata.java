package io.conclave.client;

import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of one Metadata answer: nodes by id, topics by name with their partitions sorted
 * by id, and the routing questions the producer and consumer ask of it. Readers on any thread.
 */
final class ClusterMetadata {

    static final ClusterMetadata EMPTY = new ClusterMetadata(MetadataResponse.getDefaultInstance());

    private final MetadataResponse response;
    private final Map<Long, NodeMetadata> nodes = new HashMap<>();
    private final Map<String, TopicMetadata> topics = new HashMap<>();
    private final Map<String, List<PartitionMetadata>> partitions = new HashMap<>();
    private final Map<String, List<PartitionMetadata>> writable = new HashMap<>();

    ClusterMetadata(MetadataResponse response) {
        this.response = response;
        for (NodeMetadata n : response.getNodesList()) {
            nodes.put(n.getNodeId(), n);
        }
        for (TopicMetadata t : response.getTopicsList()) {
            topics.put(t.getName(), t);
            List<PartitionMetadata> ps = new ArrayList<>(t.getPartitionsList());
            ps.sort(Comparator.comparingInt(PartitionMetadata::getPartition));
            partitions.put(t.getName(), List.copyOf(ps));
            List<PartitionMetadata> open = new ArrayList<>();
            for (PartitionMetadata p : ps) {
                if (acceptsWrites(p)) {
                    open.add(p);
                }
            }
            writable.put(t.getName(), List.copyOf(open.isEmpty() ? ps : open));
        }
    }

    /** A partition being split (sealed) or offline takes no new records; ACTIVE and MIGRATING do. */
    private static boolean acceptsWrites(PartitionMetadata p) {
        return !"SPLITTING".equals(p.getState()) && !"OFFLINE".equals(p.getState());
    }

    MetadataResponse response() {
        return response;
    }

    boolean isEmpty() {
        return nodes.isEmpty();
    }

    long controllerLeader() {
        return response.getControllerLeader();
    }

    List<NodeMetadata> nodes() {
        return response.getNodesList();
    }

    NodeMetadata node(long nodeId) {
        return nodes.get(nodeId);
    }

    /** The client address of a node, or null when this metadata does not know it. */
    HostPort address(long nodeId) {
        NodeMetadata n = nodes.get(nodeId);
        return n == null ? null : new HostPort(n.getHost(), n.getClientPort());
    }

    TopicMetadata topic(String name) {
        return topics.get(name);
    }

    /** The partition with this id, or null. */
    PartitionMetadata partition(String topic, int partition) {
        List<PartitionMetadata> ps = partitions.get(topic);
        if (ps == null) {
            return null;
        }
        for (PartitionMetadata p : ps) {
            if (p.getPartition() == partition) {
                return p;
            }
        }
        return null;
    }

    /** Partitions that accept writes, by id; the unkeyed spread goes over these. */
    List<PartitionMetadata> writablePartitions(String topic) {
        return writable.getOrDefault(topic, List.of());
    }

    /**
     * The writable partition whose inclusive, unsigned [range_start, range_end] holds {@code hash};
     * null when no range does (metadata in flux).
     */
    PartitionMetadata partitionForHash(String topic, long hash) {
        for (PartitionMetadata p : writablePartitions(topic)) {
            if (Long.compareUnsigned(p.getRangeStart(), hash) <= 0 && Long.compareUnsigned(hash, p.getRangeEnd()) <= 0) {
                return p;
            }
        }
        return null;
    }
}
