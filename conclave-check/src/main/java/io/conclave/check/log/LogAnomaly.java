package io.conclave.check.log;

import io.conclave.check.history.Operation;
import java.util.List;
import java.util.Locale;

/**
 * One anomaly a log scan found.
 *
 * @param type        what kind
 * @param key         the partition
 * @param offset      the offset concerned, or {@code null}
 * @param value       the value concerned, or {@code null}
 * @param description one human sentence
 * @param witnesses   the operations that show it
 */
public record LogAnomaly(Type type, String key, Long offset, Object value, String description,
                         List<Operation> witnesses) {
    public LogAnomaly {
        witnesses = List.copyOf(witnesses);
    }

    /** Kinds of anomaly. */
    public enum Type {
        /** An acknowledged append that no read ever showed, although some read had to show its offset. */
        LOST_WRITE,
        /** An append acknowledged before the final read began, inside its range, but not in it. */
        UNSEEN_BY_FINAL_READ,
        /** A read that began after an append was acknowledged and covers its offset, but ends before it. */
        STALE_READ,
        /** A read that began after another read returned (e.g. the same client's next read) and shows a shorter log. */
        NONMONOTONIC_READ,
        /** One value at two offsets. */
        DUPLICATE,
        /** One offset holding two values (across reads and acknowledgements). */
        INCONSISTENT_OFFSET,
        /** A value from a failed append, seen by a read. */
        ABORTED_READ,
        /** A value that no append wrote, seen by a read. */
        PHANTOM_READ,
        /** An append acknowledged before another was invoked, but with the larger offset. */
        OFFSET_ORDER,
        /** Replicas whose final logs differ after healing. */
        DIVERGENT_REPLICAS,
        /** An eventual append acknowledged before the last replicated point, missing after healing. */
        LOST_REPLICATED_WRITE;

        /** Lower-case, dash-separated name used in counts and JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
