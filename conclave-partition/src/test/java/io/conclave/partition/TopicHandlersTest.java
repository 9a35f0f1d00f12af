package io.conclave.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.ErrorCode;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.ImageBuilder;
import io.conclave.partition.metadata.KeyHash;
import io.conclave.partition.metadata.MetadataRecord;
import io.conclave.partition.metadata.PartitionInfo;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicHandlersTest {

    private long offset;

    private ClusterImage apply(ClusterImage image, ControllerResult<?> result) {
        ImageBuilder b = new ImageBuilder(image);
        for (MetadataRecord r : result.records()) {
            b.replay(++offset, r);
        }
        return b.build();
    }

    private ClusterImage threeNodes() {
        ClusterImage img = ClusterImage.EMPTY;
        for (long n = 1; n <= 3; n++) {
            img = apply(img, TopicHandlers.registerNode(img, n, 1, "127.0.0.1", 9000 + (int) n, 10000 + (int) n, "rack-" + n));
        }
        return img;
    }

    @Test
    void createdTopicGetsPartitionsCoveringTheWholeHashSpaceOnDistinctRacks() {
        ClusterImage img = threeNodes();
        ControllerResult<MetadataError> r = TopicHandlers.createTopic(img, "orders", 6, 3, Map.of());
        assertThat(r.response().ok()).isTrue();
        img = apply(img, r);
        long topicId = img.topic("orders").orElseThrow().topicId();
        List<PartitionInfo> ps = img.partitions(topicId);
        assertThat(ps).hasSize(6);
        assertThat(ps.get(0).rangeStart()).isZero();
        assertThat(ps.get(5).rangeEnd()).isEqualTo(-1L);
        for (int i = 1; i < ps.size(); i++) {
            assertThat(ps.get(i).rangeStart()).isEqualTo(ps.get(i - 1).rangeEnd() + 1);
        }
        Set<Long> groups = new HashSet<>();
        for (PartitionInfo p : ps) {
            assertThat(p.replicas()).containsExactlyInAnyOrder(1L, 2L, 3L);
            groups.add(p.groupId());
        }
        assertThat(groups).hasSize(6);
        assertThat(img.topic("orders").orElseThrow().config()).containsKeys("retention.ms", "max.message.bytes");
    }

    @Test
    void everyKeyRoutesToExactlyOnePartition() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.createTopic(img, "t", 7, 1, Map.of()));
        long topicId = img.topic("t").orElseThrow().topicId();
        for (int i = 0; i < 5000; i++) {
            long h = KeyHash.of(("key-" + i).getBytes(StandardCharsets.UTF_8));
            long owners = img.partitions(topicId).stream().filter(p -> p.owns(h)).count();
            assertThat(owners).isEqualTo(1);
            assertThat(img.partitionForKey(topicId, h)).isPresent();
        }
    }

    @Test
    void badRequestsAreRefusedWithAClearMessageAndNoRecords() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.createTopic(img, "taken", 1, 1, Map.of()));
        check(TopicHandlers.createTopic(img, "bad name!", 1, 1, Map.of()), ErrorCode.INVALID_TOPIC_NAME, "[a-zA-Z0-9._-]");
        check(TopicHandlers.createTopic(img, "..", 1, 1, Map.of()), ErrorCode.INVALID_TOPIC_NAME, "'..'");
        check(TopicHandlers.createTopic(img, "taken", 1, 1, Map.of()), ErrorCode.TOPIC_EXISTS, "already exists");
        check(TopicHandlers.createTopic(img, "t", 0, 1, Map.of()), ErrorCode.INVALID_PARTITIONS, "was 0");
        check(TopicHandlers.createTopic(img, "t", 1, 4, Map.of()), ErrorCode.INVALID_REPLICATION_FACTOR, "live nodes = 3");
        check(TopicHandlers.createTopic(img, "t", 1, 1, Map.of("retention.msx", "5")), ErrorCode.INVALID_CONFIG,
                "unknown topic config 'retention.msx'");
        check(TopicHandlers.createTopic(img, "t", 1, 1, Map.of("max.message.bytes", "0")), ErrorCode.INVALID_CONFIG,
                "out of range");
        check(TopicHandlers.deleteTopic(img, "nope"), ErrorCode.UNKNOWN_TOPIC, "'nope'");
        check(TopicHandlers.registerNode(img, 1, 1, "h", 1, 2, "r"), ErrorCode.INVALID_NODE, "not newer");
    }

    private static void check(ControllerResult<MetadataError> r, ErrorCode code, String fragment) {
        assertThat(r.response().code()).isEqualTo(code);
        assertThat(r.response().message()).contains(fragment);
        assertThat(r.records()).isEmpty();
    }

    @Test
    void deleteRemovesTopicAndPartitions() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.createTopic(img, "gone", 3, 2, Map.of()));
        long id = img.topic("gone").orElseThrow().topicId();
        img = apply(img, TopicHandlers.deleteTopic(img, "gone"));
        assertThat(img.topic("gone")).isEmpty();
        assertThat(img.partitions(id)).isEmpty();
    }

    @Test
    void replayRefusesRecordsOutOfOrder() {
        ImageBuilder b = new ImageBuilder(ClusterImage.EMPTY);
        b.replay(5, new MetadataRecord.UnregisterNode(1));
        assertThatThrownBy(() -> b.replay(5, new MetadataRecord.UnregisterNode(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replayed after 5");
    }

    @Test
    void raisingTheReplicationFactorAddsANodeOnANewRackAndBumpsEpochs() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.registerNode(img, 4, 1, "127.0.0.1", 9004, 10004, "rack-4"));
        img = apply(img, TopicHandlers.createTopic(img, "t", 4, 2, Map.of()));
        long topicId = img.topic("t").orElseThrow().topicId();
        List<PartitionInfo> before = img.partitions(topicId);
        img = apply(img, TopicHandlers.setReplicationFactor(img, "t", 3));
        assertThat(img.topic("t").orElseThrow().replicationFactor()).isEqualTo(3);
        for (PartitionInfo p : img.partitions(topicId)) {
            PartitionInfo old = before.get(p.partition());
            assertThat(p.replicas()).hasSize(3).startsWith(old.replicas().toArray(new Long[0])).doesNotHaveDuplicates();
            assertThat(p.epoch()).isEqualTo(old.epoch() + 1);
            assertThat(p.genesis()).isEqualTo(old.genesis());
        }
        img = apply(img, TopicHandlers.setReplicationFactor(img, "t", 1));
        for (PartitionInfo p : img.partitions(topicId)) {
            assertThat(p.replicas()).containsExactly(before.get(p.partition()).replicas().get(0));
        }
        check(TopicHandlers.setReplicationFactor(img, "t", 5), ErrorCode.INVALID_REPLICATION_FACTOR, "live nodes = 4");
        check(TopicHandlers.setReplicationFactor(img, "nope", 2), ErrorCode.UNKNOWN_TOPIC, "no topic");
    }

    @Test
    void aConfigChangeKeepsTheOtherKeysAndIsRefusedWhenItsExpectationNoLongerHolds() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.createTopic(img, "t", 1, 1, Map.of("retention.ms", "1000")));
        img = apply(img, TopicHandlers.alterTopicConfig(img, "t", Map.of("retention.ms", "2000"),
                Map.of("retention.ms", "1000")));
        Map<String, String> config = img.topic("t").orElseThrow().config();
        assertThat(config).containsEntry("retention.ms", "2000").containsEntry("retention.bytes", "-1");
        check(TopicHandlers.alterTopicConfig(img, "t", Map.of("retention.ms", "3000"), Map.of("retention.ms", "1000")),
                ErrorCode.CONFIG_MISMATCH, "is '2000', not the expected '1000'");
        check(TopicHandlers.alterTopicConfig(img, "t", Map.of("retention.ms", "x"), Map.of()), ErrorCode.INVALID_CONFIG,
                "must be an integer");
        check(TopicHandlers.alterTopicConfig(img, "nope", Map.of("retention.ms", "1"), Map.of()),
                ErrorCode.UNKNOWN_TOPIC, "no topic");
        assertThat(TopicHandlers.alterTopicConfig(img, "t", Map.of("retention.ms", "2000"), Map.of()).records())
                .isEmpty();
    }

    @Test
    void replayRefusesAConditionalConfigChangeThatAnotherChangeOvertook() {
        ClusterImage img = threeNodes();
        img = apply(img, TopicHandlers.createTopic(img, "t", 1, 1, Map.of("retention.ms", "1000")));
        ControllerResult<MetadataError> first = TopicHandlers.alterTopicConfig(img, "t", Map.of("retention.ms", "2000"),
                Map.of("retention.ms", "1000"));
        ControllerResult<MetadataError> second = TopicHandlers.alterTopicConfig(img, "t",
                Map.of("retention.ms", "3000"), Map.of("retention.ms", "1000"));
        ClusterImage afterFirst = apply(img, first);
        ImageBuilder b = new ImageBuilder(afterFirst);
        assertThatThrownBy(() -> b.replay(++offset, second.records().get(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expected 1000");
        assertThat(afterFirst.topic("t").orElseThrow().config()).containsEntry("retention.ms", "2000");
    }
}
