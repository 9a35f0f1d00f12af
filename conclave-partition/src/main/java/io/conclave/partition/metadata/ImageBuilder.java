package io.conclave.partition.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Replays metadata records into an image. The only code that changes metadata: handlers propose
 * records; every node (and the controller itself) applies them here, in log order. A record that
 * does not fit the current state is a bug in its handler and is refused loudly.
 */
public final class ImageBuilder {

    private long offset;
    private final TreeMap<Long, NodeInfo> nodes;
    private final TreeMap<Long, TopicInfo> topics;
    private final TreeMap<Long, List<PartitionInfo>> partitions;
    private long topicIdHighWater;
    private long groupIdHighWater;

    public ImageBuilder(ClusterImage base) {
        this.offset = base.offset();
        this.topicIdHighWater = base.topicIdHighWater();
        this.groupIdHighWater = base.groupIdHighWater();
        this.nodes = new TreeMap<>(base.nodes());
        this.topics = new TreeMap<>(base.topics());
        this.partitions = new TreeMap<>();
        base.partitionsByTopic().forEach((k, v) -> partitions.put(k, new ArrayList<>(v)));
    }

    /** Applies one record found at metadata log index {@code index}. */
    public ImageBuilder replay(long index, MetadataRecord record) {
        if (index <= offset) {
            throw new IllegalStateException("metadata record at " + index + " replayed after " + offset);
        }
        offset = index;
        if (record instanceof MetadataRecord.RegisterNode r) {
            nodes.put(r.nodeId(), new NodeInfo(r.nodeId(), r.incarnation(), r.host(), r.raftPort(), r.clientPort(), r.rack()));
        } else if (record instanceof MetadataRecord.UnregisterNode r) {
            nodes.remove(r.nodeId());
        } else if (record instanceof MetadataRecord.CreateTopic r) {
            if (topics.containsKey(r.topicId())) {
                throw new IllegalStateException("topic id " + r.topicId() + " already exists");
            }
            topics.put(r.topicId(), new TopicInfo(r.topicId(), r.name(), r.partitions(), r.replicationFactor(),
                    r.config()));
            partitions.put(r.topicId(), new ArrayList<>());
            topicIdHighWater = Math.max(topicIdHighWater, r.topicId());
        } else if (record instanceof MetadataRecord.DeleteTopic r) {
            topics.remove(r.topicId());
            partitions.remove(r.topicId());
        } else if (record instanceof MetadataRecord.SetPartition r) {
            List<PartitionInfo> ps = partitions.get(r.topicId());
            if (ps == null) {
                throw new IllegalStateException("partition for unknown topic " + r.topicId());
            }
            List<Long> genesis = r.replicas();
            for (PartitionInfo old : ps) {
                if (old.partition() == r.partition()) {
                    genesis = old.genesis();
                }
            }
            PartitionInfo info = new PartitionInfo(r.topicId(), r.partition(), r.groupId(), r.rangeStart(),
                    r.rangeEnd(), r.replicas(), r.state(), r.epoch(), genesis);
            groupIdHighWater = Math.max(groupIdHighWater, r.groupId());
            ps.removeIf(p -> p.partition() == r.partition());
            ps.add(info);
            ps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        } else if (record instanceof MetadataRecord.AlterTopic r) {
            TopicInfo t = topics.get(r.topicId());
            if (t == null) {
                throw new IllegalStateException("altering unknown topic " + r.topicId());
            }
            topics.put(r.topicId(), new TopicInfo(t.topicId(), t.name(), t.partitions(), r.replicationFactor(),
                    t.config()));
        } else if (record instanceof MetadataRecord.AlterTopicConfig r) {
            TopicInfo t = topics.get(r.topicId());
            if (t == null) {
                throw new IllegalStateException("altering the configuration of unknown topic " + r.topicId());
            }
            for (java.util.Map.Entry<String, String> e : r.expected().entrySet()) {
                if (!e.getValue().equals(t.config().get(e.getKey()))) {
                    throw new IllegalStateException("topic " + r.topicId() + " config '" + e.getKey() + "' is "
                            + t.config().get(e.getKey()) + ", the change expected " + e.getValue());
                }
            }
            topics.put(r.topicId(), new TopicInfo(t.topicId(), t.name(), t.partitions(), t.replicationFactor(),
                    r.config()));
        } else {
            throw new IllegalStateException("unknown metadata record " + record);
        }
        return this;
    }

    /**
     * Applies every record of one controller log entry found at {@code index}, all or nothing:
     * on an inconsistent record (a topic id that exists, a partition of an unknown topic) it throws
     * and this builder must be discarded.
     */
    public ImageBuilder replayAll(long index, java.util.List<MetadataRecord> records) {
        if (index <= offset) {
            throw new IllegalStateException("metadata entry at " + index + " replayed after " + offset);
        }
        for (int i = 0; i < records.size(); i++) {
            offset = index - 1;
            replay(index, records.get(i));
        }
        offset = index;
        return this;
    }

    public ClusterImage build() {
        return new ClusterImage(offset, nodes, topics, partitions, topicIdHighWater, groupIdHighWater);
    }
}
