package io.conclave.client;

import io.conclave.api.proto.ConsistencyLevel;
import java.util.Objects;

/**
 * Consumer settings. Defaults ({@link #defaults()}): 1 MiB per fetch, long-poll up to 500 ms, STRONG.
 *
 * @param fetchBytesMax  max_bytes of each fetch (at least one record comes back when one exists)
 * @param fetchWaitMsMax the longest a fetch long-polls on the node (capped by the poll's timeout)
 * @param consistency    STRONG/LINEARIZABLE read from the leader; EVENTUAL from any replica, same rack first
 */
public record ConsumerConfig(int fetchBytesMax, int fetchWaitMsMax, ConsistencyLevel consistency) {

    public ConsumerConfig {
        Objects.requireNonNull(consistency, "consistency");
    }

    public static ConsumerConfig defaults() {
        return new ConsumerConfig(1024 * 1024, 500, ConsistencyLevel.STRONG);
    }

    /** Throws {@link IllegalArgumentException} naming the first bad setting. */
    public ConsumerConfig validate() {
        ClientConfig.positive("fetchBytesMax", fetchBytesMax);
        if (fetchWaitMsMax < 0) {
            throw new IllegalArgumentException("fetchWaitMsMax must be >= 0, was " + fetchWaitMsMax);
        }
        if (consistency == ConsistencyLevel.CONSISTENCY_UNSPECIFIED || consistency == ConsistencyLevel.UNRECOGNIZED) {
            throw new IllegalArgumentException("consistency must be EVENTUAL, STRONG or LINEARIZABLE, was " + consistency);
        }
        return this;
    }

    public ConsumerConfig withFetchBytesMax(int v) {
        return new ConsumerConfig(v, fetchWaitMsMax, consistency);
    }

    public ConsumerConfig withFetchWaitMsMax(int v) {
        return new ConsumerConfig(fetchBytesMax, v, consistency);
    }

    public ConsumerConfig withConsistency(ConsistencyLevel v) {
        return new ConsumerConfig(fetchBytesMax, fetchWaitMsMax, v);
    }
}
