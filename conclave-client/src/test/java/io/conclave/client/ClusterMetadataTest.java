package io.conclave.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import org.junit.jupiter.api.Test;

class ClusterMetadataTest {

    private static ClusterMetadata twoHalves(String secondState) {
        long mid = Long.MIN_VALUE; // 0x8000...: the upper half, unsigned
        return new ClusterMetadata(MetadataResponse.newBuilder().addTopics(TopicMetadata.newBuilder().setName("t")
                .addPartitions(PartitionMetadata.newBuilder().setPartition(1).setRangeStart(mid).setRangeEnd(-1L)
                        .setState(secondState))
                .addPartitions(PartitionMetadata.newBuilder().setPartition(0).setRangeStart(0).setRangeEnd(mid - 1)
                        .setState("ACTIVE")))
                .build());
    }

    @Test
    void rangesAreInclusiveAndUnsigned() {
        ClusterMetadata m = twoHalves("ACTIVE");
        assertThat(m.partitionForHash("t", 0).getPartition()).isEqualTo(0);
        assertThat(m.partitionForHash("t", Long.MAX_VALUE).getPartition()).isEqualTo(0);
        assertThat(m.partitionForHash("t", Long.MIN_VALUE).getPartition()).isEqualTo(1);
        assertThat(m.partitionForHash("t", -1L).getPartition()).isEqualTo(1);
    }

    @Test
    void partitionsAreSortedByIdAndSealedOnesTakeNoWrites() {
        ClusterMetadata m = twoHalves("SPLITTING");
        assertThat(m.writablePartitions("t")).extracting(PartitionMetadata::getPartition).containsExactly(0);
        assertThat(m.partitionForHash("t", -1L)).isNull();
        assertThat(m.partition("t", 1).getState()).isEqualTo("SPLITTING");
        assertThat(m.partitionForHash("missing", 0)).isNull();
    }
}
