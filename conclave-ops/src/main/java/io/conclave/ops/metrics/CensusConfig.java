package io.conclave.ops.metrics;

/**
 * Bounds of a {@link GroupCensus}.
 *
 * @param intervalMs time between the end of one census and the start of the next; 0 = never by itself
 * @param batchSize status requests in flight at once (they share the loops' task queues with clients)
 * @param batchTimeoutMs how long one batch is waited for; groups not answering count as unanswered
 * @param groupsMax groups asked per census at most (the lowest ids)
 */
public record CensusConfig(long intervalMs, int batchSize, long batchTimeoutMs, int groupsMax) {

    public static CensusConfig every(long intervalMs) {
        return new CensusConfig(intervalMs, 256, 2_000, 1_000_000).validate();
    }

    public CensusConfig validate() {
        require(intervalMs >= 0, "intervalMs must be >= 0: " + intervalMs);
        require(batchSize >= 1 && batchSize <= 4_096, "batchSize must be 1 to 4096: " + batchSize);
        require(batchTimeoutMs >= 1, "batchTimeoutMs must be >= 1: " + batchTimeoutMs);
        require(groupsMax >= 1, "groupsMax must be >= 1: " + groupsMax);
        return this;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid census config: " + msg);
        }
    }
}
