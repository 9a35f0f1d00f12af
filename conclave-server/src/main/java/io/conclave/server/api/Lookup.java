package io.conclave.server.api;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.node.NodeStateMachine;
import io.conclave.server.node.ServingNode;
import java.util.List;

/** Finding topics and partitions in the image, with the API's errors, and describing them. */
public final class Lookup {

    private Lookup() {
    }

    public static TopicInfo topic(ClusterImage img, String name) {
        TopicHandlers.checkTopicName(name).ifPresent(bad -> {
            throw ApiErrors.error(ErrorCode.INVALID_REQUEST, bad);
        });
        return img.topic(name).orElseThrow(() -> ApiErrors.error(ErrorCode.UNKNOWN_TOPIC, "no topic named '" + name
                + "'"));
    }

    public static PartitionInfo partition(ClusterImage img, TopicInfo topic, int partition) {
        for (PartitionInfo p : img.partitions(topic.topicId())) {
            if (p.partition() == partition) {
                return p;
            }
        }
        throw ApiErrors.error(ErrorCode.UNKNOWN_PARTITION, "topic '" + topic.name() + "' has no partition "
                + partition + " (it has " + topic.partitions() + ")");
    }

    static MetadataResponse metadata(ServingNode node, List<String> topics) {
        ClusterImage img = node.image();
        MetadataResponse.Builder b = MetadataResponse.newBuilder().setClusterId(node.clusterId())
                .setControllerLeader(node.leaderOf(NodeStateMachine.CONTROLLER_GROUP).node())
                .setMetadataOffset(img.offset());
        for (NodeInfo n : img.nodes().values()) {
            b.addNodes(node(n));
        }
        if (topics.isEmpty()) {
            img.topics().values().forEach(t -> b.addTopics(topicMetadata(node, img, t)));
        } else {
            for (String name : topics) {
                b.addTopics(topicMetadata(node, img, topic(img, name)));
            }
        }
        return b.build();
    }

    static NodeMetadata node(NodeInfo n) {
        return NodeMetadata.newBuilder().setNodeId(n.nodeId()).setHost(n.host()).setClientPort(n.clientPort())
                .setRaftPort(n.raftPort()).setRack(n.rack()).setIncarnation(n.incarnation()).build();
    }

    static TopicMetadata topicMetadata(ServingNode node, ClusterImage img, TopicInfo t) {
        TopicMetadata.Builder b = TopicMetadata.newBuilder().setName(t.name()).setTopicId(t.topicId())
                .setReplicationFactor(t.replicationFactor()).putAllConfig(t.config());
        for (PartitionInfo p : img.partitions(t.topicId())) {
            LeaderTable.Leader leader = node.leaderOf(p.groupId());
            b.addPartitions(PartitionMetadata.newBuilder().setPartition(p.partition()).setGroupId(p.groupId())
                    .setRangeStart(p.rangeStart()).setRangeEnd(p.rangeEnd()).addAllReplicas(p.replicas())
                    .setLeader(leader.node()).setState(p.state().name()).setEpoch(p.epoch()));
        }
        return b.build();
    }
}
