package io.conclave.partition.metadata;

import java.util.List;

/** A partition as the image shows it. The Raft group that replicates it is {@code groupId}. */
public record PartitionInfo(long topicId, int partition, long groupId, long rangeStart, long rangeEnd,
                            List<Long> replicas, PartitionState state, long epoch) {

    public PartitionInfo {
        replicas = List.copyOf(replicas);
    }

    /** Whether the unsigned key hash falls in this partition's range. */
    public boolean owns(long keyHash) {
        return Long.compareUnsigned(keyHash, rangeStart) >= 0 && Long.compareUnsigned(keyHash, rangeEnd) <= 0;
    }
}
