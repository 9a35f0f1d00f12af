package io.conclave.partition.controller;

import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.KeyHash;
import io.conclave.partition.metadata.MetadataRecord;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.PartitionState;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.partition.placement.ReplicaPlacer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Controller handlers for topics and nodes, in Kafka's shape: each reads the current image and
 * returns the records to append and the response; nothing here mutates state.
 */
public final class TopicHandlers {

    /** Topic names: 1–249 characters of letters, digits, '.', '_' and '-', not "." or "..". */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    public static final int MAX_PARTITIONS = 10_000;
    public static final int MAX_REPLICATION_FACTOR = 7;

    private TopicHandlers() {
    }

    /** Why a name is invalid, or empty when it is fine. */
    public static Optional<String> checkTopicName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("topic name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("topic name cannot be '.' or '..'");
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            return Optional.of("topic name '" + name + "' must be 1-249 characters of [a-zA-Z0-9._-]");
        }
        return Optional.empty();
    }

    public static ControllerResult<MetadataError> createTopic(ClusterImage image, String name, int partitions,
                                                              int replicationFactor, Map<String, String> config) {
        Optional<String> bad = checkTopicName(name);
        if (bad.isPresent()) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_TOPIC_NAME, bad.get()));
        }
        if (image.topic(name).isPresent()) {
            return ControllerResult.of(new MetadataError(ErrorCode.TOPIC_EXISTS, "topic '" + name + "' already exists"));
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_PARTITIONS,
                    "partitions must be between 1 and " + MAX_PARTITIONS + ", was " + partitions));
        }
        int live = image.nodes().size();
        if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR || replicationFactor > live) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "replication factor must be between 1 and min(" + MAX_REPLICATION_FACTOR + ", live nodes = "
                            + live + "), was " + replicationFactor));
        }
        StringBuilder err = new StringBuilder();
        Map<String, String> resolved = TopicConfig.resolve(config, err);
        if (resolved == null) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_CONFIG, err.toString()));
        }
        long topicId = image.nextTopicId();
        long groupId = image.nextGroupId();
        List<NodeInfo> nodes = new ArrayList<>(image.nodes().values());
        List<List<Long>> placement = ReplicaPlacer.place(nodes, image.replicaCounts(), leaderCounts(image),
                partitions, replicationFactor);
        long[][] ranges = KeyHash.evenRanges(partitions);
        List<MetadataRecord> records = new ArrayList<>(partitions + 1);
        records.add(new MetadataRecord.CreateTopic(topicId, name, partitions, replicationFactor, resolved));
        for (int p = 0; p < partitions; p++) {
            records.add(new MetadataRecord.SetPartition(topicId, p, groupId + p, ranges[p][0], ranges[p][1],
                    placement.get(p), PartitionState.ACTIVE, 1));
        }
        return new ControllerResult<>(records, MetadataError.NONE);
    }

    public static ControllerResult<MetadataError> deleteTopic(ClusterImage image, String name) {
        Optional<TopicInfo> t = image.topic(name);
        if (t.isEmpty()) {
            return ControllerResult.of(new MetadataError(ErrorCode.UNKNOWN_TOPIC, "no topic named '" + name + "'"));
        }
        return ControllerResult.of(MetadataError.NONE, new MetadataRecord.DeleteTopic(t.get().topicId()));
    }

    /**
     * Changes a live topic's replication factor: each partition gains replicas (rack-aware, least
     * loaded first, never a node it has) or loses its last ones, with its epoch bumped. The nodes
     * leading the partitions carry the change out by membership changes (learner, catch up, voter;
     * or removal), watching the image.
     */
    public static ControllerResult<MetadataError> setReplicationFactor(ClusterImage image, String name,
                                                                       int replicationFactor) {
        Optional<TopicInfo> found = image.topic(name);
        if (found.isEmpty()) {
            return ControllerResult.of(new MetadataError(ErrorCode.UNKNOWN_TOPIC, "no topic named '" + name + "'"));
        }
        TopicInfo t = found.get();
        int live = image.nodes().size();
        if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR || replicationFactor > live) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "replication factor must be between 1 and min(" + MAX_REPLICATION_FACTOR + ", live nodes = "
                            + live + "), was " + replicationFactor));
        }
        if (replicationFactor == t.replicationFactor()) {
            return ControllerResult.of(MetadataError.NONE);
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.AlterTopic(t.topicId(), replicationFactor));
        Map<Long, Integer> load = new HashMap<>(image.replicaCounts());
        for (PartitionInfo p : image.partitions(t.topicId())) {
            List<Long> replicas = new ArrayList<>(p.replicas());
            while (replicas.size() > replicationFactor) {
                load.merge(replicas.remove(replicas.size() - 1), -1, Integer::sum);
            }
            while (replicas.size() < replicationFactor) {
                long add = leastLoadedNewRack(image, replicas, load);
                replicas.add(add);
                load.merge(add, 1, Integer::sum);
            }
            records.add(new MetadataRecord.SetPartition(p.topicId(), p.partition(), p.groupId(), p.rangeStart(),
                    p.rangeEnd(), replicas, p.state(), p.epoch() + 1));
        }
        return new ControllerResult<>(records, MetadataError.NONE);
    }

    /**
     * Changes keys of a live topic's configuration ({@code set}; the others keep their values). When
     * {@code expected} is not empty the change is conditional, an optimistic check for two operators
     * editing at once: it is refused with {@link ErrorCode#CONFIG_MISMATCH} unless each of those keys
     * has that value now (the loser re-reads and decides again), and the record carries the
     * expectation so that replay refuses it too if another change got in between validation and
     * commit. A change that sets nothing new writes no record.
     */
    public static ControllerResult<MetadataError> alterTopicConfig(ClusterImage image, String name,
                                                                   Map<String, String> set,
                                                                   Map<String, String> expected) {
        Optional<TopicInfo> found = image.topic(name);
        if (found.isEmpty()) {
            return ControllerResult.of(new MetadataError(ErrorCode.UNKNOWN_TOPIC, "no topic named '" + name + "'"));
        }
        TopicInfo t = found.get();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String now = t.config().get(e.getKey());
            if (!e.getValue().equals(now)) {
                return ControllerResult.of(new MetadataError(ErrorCode.CONFIG_MISMATCH, "topic '" + name
                        + "' config '" + e.getKey() + "' is " + (now == null ? "unset" : "'" + now + "'")
                        + ", not the expected '" + e.getValue() + "'; read it again and retry"));
            }
        }
        Map<String, String> merged = new HashMap<>(t.config());
        merged.putAll(set);
        StringBuilder err = new StringBuilder();
        Map<String, String> resolved = TopicConfig.resolve(merged, err);
        if (resolved == null) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_CONFIG, err.toString()));
        }
        if (resolved.equals(t.config())) {
            return ControllerResult.of(MetadataError.NONE);
        }
        return ControllerResult.of(MetadataError.NONE,
                new MetadataRecord.AlterTopicConfig(t.topicId(), resolved, expected));
    }

    private static long leastLoadedNewRack(ClusterImage image, List<Long> have, Map<Long, Integer> load) {
        java.util.Set<String> racks = new java.util.HashSet<>();
        for (Long n : have) {
            NodeInfo info = image.nodes().get(n);
            if (info != null) {
                racks.add(info.rack());
            }
        }
        NodeInfo best = null;
        for (NodeInfo cand : image.nodes().values()) {
            if (have.contains(cand.nodeId())) {
                continue;
            }
            if (best == null) {
                best = cand;
                continue;
            }
            boolean candNew = !racks.contains(cand.rack());
            boolean bestNew = !racks.contains(best.rack());
            int candLoad = load.getOrDefault(cand.nodeId(), 0);
            int bestLoad = load.getOrDefault(best.nodeId(), 0);
            if ((candNew && !bestNew) || (candNew == bestNew && candLoad < bestLoad)) {
                best = cand;
            }
        }
        return best.nodeId();
    }

    /** A node joins or rejoins; its incarnation must grow, so a stale process cannot re-register. */
    public static ControllerResult<MetadataError> registerNode(ClusterImage image, long nodeId, long incarnation,
                                                               String host, int raftPort, int clientPort,
                                                               String rack) {
        if (nodeId <= 0 || !validPort(raftPort) || !validPort(clientPort) || host == null || host.isBlank()
                || rack == null || rack.isBlank()) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_NODE,
                    "node registration needs id > 0, a host, raft and client ports in 1..65535 and a rack"));
        }
        NodeInfo known = image.nodes().get(nodeId);
        if (known != null && incarnation <= known.incarnation()) {
            return ControllerResult.of(new MetadataError(ErrorCode.INVALID_NODE, "node " + nodeId + " incarnation "
                    + incarnation + " is not newer than the registered " + known.incarnation()));
        }
        return ControllerResult.of(MetadataError.NONE,
                new MetadataRecord.RegisterNode(nodeId, incarnation, host, raftPort, clientPort, rack));
    }

    private static boolean validPort(int port) {
        return port > 0 && port <= 65535;
    }

    private static Map<Long, Integer> leaderCounts(ClusterImage image) {
        Map<Long, Integer> out = new HashMap<>();
        for (List<PartitionInfo> ps : image.partitionsByTopic().values()) {
            for (PartitionInfo p : ps) {
                if (!p.replicas().isEmpty()) {
                    out.merge(p.replicas().get(0), 1, Integer::sum);
                }
            }
        }
        return out;
    }
}
