package io.conclave.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON output of the CLI: one object per line (Jackson), built from plain maps. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, false);

    private Json() {
    }

    public static String of(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static Map<String, Object> topic(TopicMetadata t) {
        List<Object> parts = new ArrayList<>();
        for (PartitionMetadata p : t.getPartitionsList()) {
            parts.add(map("partition", p.getPartition(), "leader", p.getLeader(), "replicas", p.getReplicasList(),
                    "state", p.getState(), "epoch", p.getEpoch(), "rangeStart", Long.toUnsignedString(p.getRangeStart()),
                    "rangeEnd", Long.toUnsignedString(p.getRangeEnd())));
        }
        return map("name", t.getName(), "topicId", t.getTopicId(), "replicationFactor", t.getReplicationFactor(),
                "config", t.getConfigMap(), "partitions", parts);
    }

    public static Map<String, Object> node(NodeMetadata n) {
        return map("nodeId", n.getNodeId(), "host", n.getHost(), "clientPort", n.getClientPort(),
                "raftPort", n.getRaftPort(), "rack", n.getRack(), "incarnation", n.getIncarnation());
    }
}
