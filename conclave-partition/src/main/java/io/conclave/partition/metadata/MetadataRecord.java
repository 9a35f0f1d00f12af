package io.conclave.partition.metadata;

import java.util.List;
import java.util.Map;

/**
 * One entry of the controller's metadata log. Handlers produce records; only
 * {@link ImageBuilder#replay} applies them, so every node that replays the same log sees the same
 * {@link ClusterImage}.
 */
public sealed interface MetadataRecord permits MetadataRecord.RegisterNode, MetadataRecord.UnregisterNode,
        MetadataRecord.CreateTopic, MetadataRecord.DeleteTopic, MetadataRecord.SetPartition,
        MetadataRecord.AlterTopic, MetadataRecord.AlterTopicConfig {

    /**
     * A node joined (or rejoined with a new incarnation).
     *
     * @param incarnation increases on every start of the node; a replica is (nodeId, incarnation)
     * @param raftPort the node-to-node (Raft transport) port; {@code clientPort} serves the client API
     */
    record RegisterNode(long nodeId, long incarnation, String host, int raftPort, int clientPort, String rack) implements MetadataRecord {
    }

    /** A node left the cluster for good (after its replicas were drained). */
    record UnregisterNode(long nodeId) implements MetadataRecord {
    }

    /** A topic and its configuration; its partitions follow as {@link SetPartition} records. */
    record CreateTopic(long topicId, String name, int partitions, int replicationFactor, Map<String, String> config)
            implements MetadataRecord {
    }

    /** A topic and all its partitions are gone. */
    record DeleteTopic(long topicId) implements MetadataRecord {
    }

    /**
     * The whole state of one partition: its hash range [rangeStart, rangeEnd] (inclusive, unsigned),
     * its replicas (the first is the preferred leader), its state and the epoch of this assignment.
     */
    record SetPartition(long topicId, int partition, long groupId, long rangeStart, long rangeEnd,
                        List<Long> replicas, PartitionState state, long epoch) implements MetadataRecord {

        public SetPartition {
            replicas = List.copyOf(replicas);
        }
    }

    /** A live topic's replication factor changed; its partitions' new assignments follow as {@link SetPartition}. */
    record AlterTopic(long topicId, int replicationFactor) implements MetadataRecord {
    }

    /**
     * A live topic's configuration is now {@code config} (complete, defaults filled in). When
     * {@code expected} is not empty the change is conditional: replay refuses it unless each of those
     * keys still has that value, so a change validated against an image that a concurrent change
     * since overtook is skipped rather than applied blindly.
     */
    record AlterTopicConfig(long topicId, Map<String, String> config, Map<String, String> expected)
            implements MetadataRecord {

        public AlterTopicConfig {
            config = Map.copyOf(config);
            expected = Map.copyOf(expected);
        }
    }
}
