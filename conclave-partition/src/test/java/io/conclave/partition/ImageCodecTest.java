package io.conclave.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.ImageBuilder;
import io.conclave.partition.metadata.ImageCodec;
import io.conclave.partition.metadata.MetadataRecord;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.PartitionState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

    private long offset;

    private ClusterImage apply(ClusterImage image, ControllerResult<?> result) {
        ImageBuilder b = new ImageBuilder(image);
        for (MetadataRecord r : result.records()) {
            b.replay(++offset, r);
        }
        return b.build();
    }

    private ClusterImage cluster() {
        ClusterImage img = ClusterImage.EMPTY;
        for (long n = 1; n <= 4; n++) {
            img = apply(img, TopicHandlers.registerNode(img, n, 1, "127.0.0.1", 7000 + (int) n, 8000 + (int) n,
                    "rack-" + n));
        }
        img = apply(img, TopicHandlers.createTopic(img, "orders", 4, 3, Map.of("retention.ms", "60000")));
        return apply(img, TopicHandlers.createTopic(img, "audit", 2, 1, Map.of()));
    }

    @Test
    void anImageSurvivesEncodingWithGenesisAndHighWaters() {
        ClusterImage img = cluster();
        PartitionInfo p0 = img.partitions(1).get(0);
        ImageBuilder b = new ImageBuilder(img);
        b.replay(++offset, new MetadataRecord.SetPartition(p0.topicId(), 0, p0.groupId(), p0.rangeStart(), p0.rangeEnd(),
                List.of(4L, 2L, 3L), PartitionState.MIGRATING, 2));
        b.replay(++offset, new MetadataRecord.DeleteTopic(2));
        img = b.build();
        assertThat(img.partitions(1).get(0).genesis()).isEqualTo(p0.replicas());

        ClusterImage back = ImageCodec.decode(ImageCodec.encode(img));
        assertThat(back).isEqualTo(img);
        assertThat(back.partitions(1).get(0).replicas()).containsExactly(4L, 2L, 3L);
        assertThat(back.partitions(1).get(0).genesis()).isEqualTo(p0.replicas());
    }

    @Test
    void idsOfDeletedTopicsAndGroupsAreNeverReused() {
        ClusterImage img = cluster();
        long lastGroup = img.partitions(2).get(1).groupId();
        img = apply(img, TopicHandlers.deleteTopic(img, "audit"));
        assertThat(img.nextTopicId()).isEqualTo(3);
        assertThat(img.nextGroupId()).isEqualTo(lastGroup + 1);
        ClusterImage back = ImageCodec.decode(ImageCodec.encode(img));
        assertThat(back.nextTopicId()).isEqualTo(3);
        assertThat(back.nextGroupId()).isEqualTo(lastGroup + 1);
    }

    @Test
    void garbageIsRefusedWithAClearError() {
        assertThatThrownBy(() -> ImageCodec.decode(new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] good = ImageCodec.encode(cluster());
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> ImageCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
}
