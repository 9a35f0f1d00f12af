package io.conclave.sim.runtime;

/**
 * The log workload of a runtime simulation (the data plane instead of registers).
 *
 * @param clientsPerPartition concurrent clients of each partition (at most 8, so histories stay checkable)
 * @param plantedUnfencedReads the planted bug: LINEARIZABLE reads skip the ReadIndex barrier and read the
 *     local partition log of whichever node the client reached (possibly a deposed leader or a lagging
 *     follower)
 */
public record LogOptions(int clientsPerPartition, boolean plantedUnfencedReads) {

    public static LogOptions defaults() {
        return new LogOptions(4, false);
    }

    public LogOptions withPlantedUnfencedReads(boolean on) {
        return new LogOptions(clientsPerPartition, on);
    }

    public LogOptions validate() {
        if (clientsPerPartition < 1 || clientsPerPartition > 8) {
            throw new IllegalArgumentException("clientsPerPartition must be in [1, 8]: " + clientsPerPartition);
        }
        return this;
    }
}
