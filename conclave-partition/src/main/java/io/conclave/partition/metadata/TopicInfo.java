package io.conclave.partition.metadata;

import java.util.Map;

/** A topic as the image shows it. */
public record TopicInfo(long topicId, String name, int partitions, int replicationFactor, Map<String, String> config) {

    public TopicInfo {
        config = Map.copyOf(config);
    }
}
