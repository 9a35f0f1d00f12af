package io.conclave.check.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A replica's complete log of one partition, read after the faults healed.
 *
 * @param replica the replica (node) it was read from
 * @param key     the partition
 * @param values  the whole log, offset 0 first
 */
public record ReplicaLog(String replica, String key, List<Object> values) {
    public ReplicaLog {
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(key, "key");
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }
}
