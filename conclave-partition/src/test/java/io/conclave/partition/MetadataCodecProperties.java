package io.conclave.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.partition.metadata.MetadataCodec;
import io.conclave.partition.metadata.MetadataRecord;
import io.conclave.partition.metadata.PartitionState;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MetadataCodecProperties {

    @Provide
    Arbitrary<MetadataRecord> records() {
        Arbitrary<String> s = Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
        Arbitrary<Long> l = Arbitraries.longs();
        return Arbitraries.oneOf(
                net.jqwik.api.Combinators.combine(l, l, s, Arbitraries.integers().between(1, 65535),
                                Arbitraries.integers().between(1, 65535), s)
                        .as(MetadataRecord.RegisterNode::new),
                l.map(MetadataRecord.UnregisterNode::new),
                net.jqwik.api.Combinators.combine(l, s, Arbitraries.integers().between(1, 100),
                        Arbitraries.integers().between(1, 7), Arbitraries.maps(s, s).ofMaxSize(4))
                        .as(MetadataRecord.CreateTopic::new),
                l.map(MetadataRecord.DeleteTopic::new),
                net.jqwik.api.Combinators.combine(l, Arbitraries.integers(), l, l, l, l.list().ofMaxSize(5),
                        Arbitraries.of(PartitionState.class), l)
                        .as(MetadataRecord.SetPartition::new),
                net.jqwik.api.Combinators.combine(l, Arbitraries.integers().between(1, 7))
                        .as(MetadataRecord.AlterTopic::new),
                net.jqwik.api.Combinators.combine(l, Arbitraries.maps(s, s).ofMaxSize(4),
                        Arbitraries.maps(s, s).ofMaxSize(2))
                        .as(MetadataRecord.AlterTopicConfig::new));
    }

    @Property(tries = 500)
    void everyRecordSurvivesEncoding(@ForAll("records") MetadataRecord r) {
        assertThat(MetadataCodec.decode(MetadataCodec.encode(r))).isEqualTo(r);
    }

    @Property(tries = 200)
    void truncatedRecordsAreRejected(@ForAll("records") MetadataRecord r) {
        byte[] full = MetadataCodec.encode(r);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 1);
        assertThatThrownBy(() -> MetadataCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 1)
    void unknownTagIsRejected() {
        assertThatThrownBy(() -> MetadataCodec.decode(new byte[] {1, 99}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag 99");
        assertThat(List.of(Map.of())).hasSize(1);
    }
}
