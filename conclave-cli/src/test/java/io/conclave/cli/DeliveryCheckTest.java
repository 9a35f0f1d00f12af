package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.client.ConsumerRecord;
import io.conclave.client.RecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rolling-restart test's delivery check catches each planted fault and passes a clean read. */
class DeliveryCheckTest {

    private static final Map<String, RecordMetadata> ACKED = Map.of("r0", new RecordMetadata("t", 0, 0),
            "r1", new RecordMetadata("t", 0, 1), "r2", new RecordMetadata("t", 1, 0));

    private static ConsumerRecord rec(int partition, long offset, String id) {
        return new ConsumerRecord("t", partition, offset, null, id.getBytes(StandardCharsets.UTF_8), List.of(), 0);
    }

    private static List<String> check(ConsumerRecord... read) {
        DeliveryCheck c = new DeliveryCheck(ACKED);
        for (ConsumerRecord r : read) {
            c.read(r);
        }
        return c.problems();
    }

    @Test
    void aCleanReadHasNoProblems() {
        assertThat(check(rec(0, 0, "r0"), rec(1, 0, "r2"), rec(0, 1, "r1"))).isEmpty();
    }

    @Test
    void aLostRecordIsCaught() {
        assertThat(check(rec(0, 0, "r0"), rec(1, 0, "r2"))).containsExactly("lost r1");
    }

    @Test
    void aDuplicateIsCaught() {
        assertThat(check(rec(0, 0, "r0"), rec(0, 1, "r1"), rec(0, 2, "r1"), rec(1, 0, "r2")))
                .anyMatch(p -> p.startsWith("duplicate r1"));
    }

    @Test
    void aRecordAtAnotherOffsetThanItsAckIsCaught() {
        assertThat(check(rec(0, 0, "r0"), rec(0, 2, "r1"), rec(1, 0, "r2")))
                .containsExactly("r1 acknowledged at 0/1 but read at 0/2");
    }

    @Test
    void anOffsetGoingBackIsCaught() {
        assertThat(check(rec(0, 1, "r1"), rec(0, 0, "r0"), rec(1, 0, "r2")))
                .anyMatch(p -> p.startsWith("offset went back on partition 0"));
    }

    @Test
    void aRecordNeverAcknowledgedIsCaught() {
        assertThat(check(rec(0, 0, "r0"), rec(0, 1, "r1"), rec(1, 0, "r2"), rec(1, 1, "r9")))
                .containsExactly("r9 read at 1/1 was never acknowledged");
    }
}
