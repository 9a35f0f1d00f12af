package io.conclave.server.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.raft.Entry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataChangeTest {

    private final MetadataLog log = new MetadataLog();
    private long index;

    private void commit(byte[] batch) {
        log.apply(List.of(Entry.normal(1, ++index, batch)));
    }

    private void withOneNode() {
        commit(MetadataChange.plan(log.image(), img -> TopicHandlers.registerNode(img, 1, 1, "h", 1, 2, "r")).batch());
    }

    @Test
    void aRefusedHandlerPlansNoBatchAndMapsToTheApiCode() {
        withOneNode();
        commit(MetadataChange.plan(log.image(), img -> TopicHandlers.createTopic(img, "t", 1, 1, Map.of())).batch());
        MetadataChange.Plan again = MetadataChange.plan(log.image(),
                img -> TopicHandlers.createTopic(img, "t", 1, 1, Map.of()));
        assertThat(again.refused()).isTrue();
        assertThat(again.batch()).isNull();
        assertThat(ApiErrors.codeOf(MetadataChange.refusal(again.error()))).isEqualTo(ErrorCode.TOPIC_EXISTS);
        MetadataChange.Plan mismatch = MetadataChange.plan(log.image(), img -> TopicHandlers.alterTopicConfig(img,
                "t", Map.of("retention.ms", "5"), Map.of("retention.ms", "4")));
        assertThat(ApiErrors.codeOf(MetadataChange.refusal(mismatch.error()))).isEqualTo(ErrorCode.CONFIG_MISMATCH);
    }

    @Test
    void aHandlerWithoutRecordsIsARead() {
        MetadataChange.Plan read = MetadataChange.plan(log.image(), img -> ControllerResult.of(MetadataError.NONE));
        assertThat(read.refused()).isFalse();
        assertThat(read.batch()).isNull();
    }

    @Test
    void aBatchThatAConcurrentChangeOvertookIsReportedRefusedAtApply() {
        withOneNode();
        commit(MetadataChange.plan(log.image(), img -> TopicHandlers.createTopic(img, "t", 1, 1,
                Map.of("retention.ms", "1"))).batch());
        ClusterImage seen = log.image();
        byte[] first = MetadataChange.plan(seen, img -> TopicHandlers.alterTopicConfig(img, "t",
                Map.of("retention.ms", "2"), Map.of("retention.ms", "1"))).batch();
        byte[] second = MetadataChange.plan(seen, img -> TopicHandlers.alterTopicConfig(img, "t",
                Map.of("retention.ms", "3"), Map.of("retention.ms", "1"))).batch();
        commit(first);
        assertThat(MetadataChange.refusedAtApply(log, index)).isNull();
        commit(second);
        assertThat(MetadataChange.refusedAtApply(log, index)).contains("expected 1");
        assertThat(log.image().topic("t").orElseThrow().config()).containsEntry("retention.ms", "2");
        assertThat(ApiErrors.codeOf(MetadataChange.refusedAtApplyError("x"))).isEqualTo(ErrorCode.INTERNAL);
    }
}
