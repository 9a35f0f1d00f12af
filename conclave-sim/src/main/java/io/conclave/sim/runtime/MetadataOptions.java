package io.conclave.sim.runtime;

/**
 * The metadata workload of a runtime simulation: every group is a controller-like group running the
 * server's real {@code MetadataLog}, and clients create, alter and describe topics through the
 * controller's own handlers.
 *
 * @param topicsPerGroup topic slots per group the clients touch at once
 * @param clientsPerTopic concurrent clients of each slot (at most 8, so histories stay checkable)
 * @param opsPerTopicMax operations on one topic before its slot moves on to a fresh topic (a new key), so
 *     that no key's history grows past what the checker can search
 * @param unknownsPerTopicMax unknown outcomes on one topic before its slot moves on to a fresh topic: each
 *     may take effect at any later point, and a few dozen on one key exhaust the checker's search
 * @param requestTimeoutNs how long the controller waits on each step of a change (its barrier, its
 *     proposal) before it answers TIMEOUT and takes the next change, as {@code ControllerOps} does with
 *     the server's request timeout
 * @param plantedLocalReads the planted bug: describes skip the controller — no leader check, no ReadIndex
 *     barrier — and read the image of whichever node the client reached (a follower or a deposed leader)
 * @param plantedSkipLossCheck the planted bug {@code skip-loss-check}: the nodes' reconcilers take every
 *     data directory as settled ({@code LostReplicaCheck.settled}), so a wiped node creates the partition
 *     replicas it had as plain voters with empty logs (the replaced-disk bug)
 * @param topicChurn whether, in runs where the nodes reconcile, each group has an administrator
 *     ({@link TopicChurn}) that creates and deletes topics of its own and changes topics' replication
 *     factors — on for a drawn share of the seeds, in drawn windows with quiet periods between
 * @param plantedEarlyRemoval the planted bug {@code early-removal}: the nodes' replica removers destroy
 *     a replica as soon as the image no longer assigns it, without waiting until its removal from the
 *     group's membership is committed ({@code ReplicaRemover.verdict} skipped)
 * @param plantedUndurableRemoval the planted bug {@code undurable-removal}: the removers act on the rule
 *     before seed 341 (a replica that applied a membership without its node, or a leader that no longer
 *     lists it) without waiting until the leader's durable commit covers the removal
 *     ({@code ReplicaRemover.removalDurable} skipped)
 * @param plantedAssumeHosted the planted bug {@code assume-hosted}: the nodes' reconcilers take every
 *     partition as one their data directory may have hosted before (the rule before the destruction record
 *     and the group-id mark), so a genesis voter that creates its replica after the replica set changed
 *     always creates it rejoining, and a group whose replica set changed before its first election can be
 *     left without the votes it needs ({@code partition-unelected})
 */
public record MetadataOptions(int topicsPerGroup, int clientsPerTopic, int opsPerTopicMax, int unknownsPerTopicMax,
                              long requestTimeoutNs, boolean plantedLocalReads, boolean plantedSkipLossCheck,
                              boolean topicChurn, boolean plantedEarlyRemoval, boolean plantedUndurableRemoval,
                              boolean plantedAssumeHosted) {

    static final int SNAPSHOT_ENTRIES = 40;
    static final int COMPACT_KEEP_ENTRIES = 10;

    public static MetadataOptions defaults() {
        return new MetadataOptions(3, 3, 100, 4, 2_000_000_000L, false, false, true, false, false, false);
    }

    public MetadataOptions withPlantedLocalReads(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, on, plantedSkipLossCheck, topicChurn, plantedEarlyRemoval, plantedUndurableRemoval,
                plantedAssumeHosted);
    }

    public MetadataOptions withPlantedSkipLossCheck(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, plantedLocalReads, on, topicChurn, plantedEarlyRemoval, plantedUndurableRemoval,
                plantedAssumeHosted);
    }

    public MetadataOptions withTopicChurn(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, plantedLocalReads, plantedSkipLossCheck, on, plantedEarlyRemoval,
                plantedUndurableRemoval, plantedAssumeHosted);
    }

    public MetadataOptions withPlantedEarlyRemoval(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, plantedLocalReads, plantedSkipLossCheck, topicChurn, on, plantedUndurableRemoval,
                plantedAssumeHosted);
    }

    public MetadataOptions withPlantedAssumeHosted(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, plantedLocalReads, plantedSkipLossCheck, topicChurn, plantedEarlyRemoval,
                plantedUndurableRemoval, on);
    }

    public MetadataOptions withPlantedUndurableRemoval(boolean on) {
        return new MetadataOptions(topicsPerGroup, clientsPerTopic, opsPerTopicMax, unknownsPerTopicMax,
                requestTimeoutNs, plantedLocalReads, plantedSkipLossCheck, topicChurn, plantedEarlyRemoval, on,
                plantedAssumeHosted);
    }

    /**
     * {@code config} on the simulator's default runtime but with a snapshot every {@link #SNAPSHOT_ENTRIES}
     * applied entries (rather than 200, which a metadata group of a short run hardly reaches), so that
     * image snapshots are taken, installed and restored under the faults.
     */
    public static RuntimeSimConfig withFrequentSnapshots(RuntimeSimConfig config) {
        return config.withRuntime(RuntimeSimConfig.defaultRuntime(config.seed(), SNAPSHOT_ENTRIES,
                COMPACT_KEEP_ENTRIES));
    }

    public MetadataOptions validate() {
        if (topicsPerGroup < 1 || topicsPerGroup > 64) {
            throw new IllegalArgumentException("topicsPerGroup must be in [1, 64]: " + topicsPerGroup);
        }
        if (clientsPerTopic < 1 || clientsPerTopic > 8) {
            throw new IllegalArgumentException("clientsPerTopic must be in [1, 8]: " + clientsPerTopic);
        }
        if (opsPerTopicMax < 1 || unknownsPerTopicMax < 1) {
            throw new IllegalArgumentException("opsPerTopicMax and unknownsPerTopicMax must be >= 1: "
                    + opsPerTopicMax + ", " + unknownsPerTopicMax);
        }
        if (requestTimeoutNs <= 0) {
            throw new IllegalArgumentException("requestTimeoutNs must be > 0: " + requestTimeoutNs);
        }
        return this;
    }
}
