package io.conclave.cli;

import io.conclave.client.ConsumerRecord;
import io.conclave.client.RecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a consumer read, in order, against what a producer had acknowledged (record id = value as
 * UTF-8 → partition and offset): each acknowledged record read exactly once, at its acknowledged
 * partition and offset; offsets only going up within a partition; nothing read that was never
 * acknowledged. Fed by the test's consumer loop, one record at a time.
 */
final class DeliveryCheck {

    private final Map<String, RecordMetadata> acked;
    private final Map<String, ConsumerRecord> seen = new HashMap<>();
    private final Map<Integer, Long> lastOffset = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    DeliveryCheck(Map<String, RecordMetadata> acked) {
        this.acked = Map.copyOf(acked);
    }

    void read(ConsumerRecord r) {
        String id = new String(r.value(), StandardCharsets.UTF_8);
        if (seen.putIfAbsent(id, r) != null) {
            problems.add("duplicate " + id + " at " + r.partition() + "/" + r.offset());
        }
        if (!acked.containsKey(id)) {
            problems.add(id + " read at " + r.partition() + "/" + r.offset() + " was never acknowledged");
        }
        long last = lastOffset.getOrDefault(r.partition(), -1L);
        if (r.offset() <= last) {
            problems.add("offset went back on partition " + r.partition() + ": " + r.offset() + " after " + last);
        }
        lastOffset.put(r.partition(), r.offset());
    }

    /** Distinct records read so far. */
    int distinctRead() {
        return seen.size();
    }

    /** Every problem found: those seen while reading, then each acknowledged record lost or misplaced. */
    List<String> problems() {
        List<String> out = new ArrayList<>(problems);
        for (Map.Entry<String, RecordMetadata> e : acked.entrySet()) {
            ConsumerRecord r = seen.get(e.getKey());
            if (r == null) {
                out.add("lost " + e.getKey());
            } else if (r.partition() != e.getValue().partition() || r.offset() != e.getValue().offset()) {
                out.add(e.getKey() + " acknowledged at " + e.getValue().partition() + "/" + e.getValue().offset()
                        + " but read at " + r.partition() + "/" + r.offset());
            }
        }
        return out;
    }
}
