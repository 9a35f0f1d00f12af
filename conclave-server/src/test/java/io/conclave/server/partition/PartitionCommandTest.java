package io.conclave.server.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionCommandTest {

    @Test
    void anAppendWithKeysHeadersAndNonAsciiHeaderNamesDecodesToWhatWasEncoded() {
        List<PartitionCommand.StoredRecord> records = List.of(
                new PartitionCommand.StoredRecord(null, "v0".getBytes(StandardCharsets.UTF_8), 11, List.of()),
                new PartitionCommand.StoredRecord("k1".getBytes(StandardCharsets.UTF_8), new byte[1_024], 12,
                        List.of(new PartitionCommand.Header("trace-id", new byte[] {1, 2, 3}),
                                new PartitionCommand.Header("ключ ✓", new byte[0]))),
                new PartitionCommand.StoredRecord(new byte[0], new byte[0], 13, List.of()));
        PartitionCommand c = new PartitionCommand(PartitionCommand.Type.APPEND, 42, 7, true, 1_000, 99, records);

        byte[] data = c.encode();
        PartitionCommand back = PartitionCommand.decode(data);

        assertThat(back.type()).isEqualTo(PartitionCommand.Type.APPEND);
        assertThat(back.producerId()).isEqualTo(42);
        assertThat(back.sequence()).isEqualTo(7);
        assertThat(back.gapAllowed()).isTrue();
        assertThat(back.baseOffset()).isEqualTo(1_000);
        assertThat(back.records()).hasSize(3);
        assertThat(back.records().get(0).key()).isNull();
        assertThat(back.records().get(1).key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
        assertThat(back.records().get(1).value()).hasSize(1_024);
        assertThat(back.records().get(1).headers()).extracting(PartitionCommand.Header::key)
                .containsExactly("trace-id", "ключ ✓");
        assertThat(back.records().get(1).headers().get(0).value()).containsExactly(1, 2, 3);
        assertThat(back.records().get(2).key()).isEmpty();
        assertThat(back.records().get(2).timestampMs()).isEqualTo(13);
        assertThat(PartitionCommand.decode(PartitionCommand.sync().encode()).type()).isEqualTo(PartitionCommand.Type.SYNC);
    }
}
