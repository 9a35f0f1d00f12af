package io.conclave.partition.metadata;

import java.util.List;

/**
 * A partition as the image shows it. The Raft group that replicates it is {@code groupId};
 * {@code genesis} are the replicas it was created with (the group's initial voters, which every
 * replica added later must start from), {@code replicas} those assigned now.
 */
public record PartitionInfo(long topicId, int partition, long groupId, long rangeStart, long rangeEnd,
                            List<Long> replicas, PartitionState state, long epoch, List<Long> genesis) {

    public PartitionInfo {
        replicas = List.copyOf(replicas);
        genesis = List.copyOf(genesis);
    }

    /** Whether the unsigned key hash falls in this partition's range. */
    public boolean owns(long keyHash) {
        return Long.compareUnsigned(keyHash, rangeStart) >= 0 && Long.compareUnsigned(keyHash, rangeEnd) <= 0;
    }
}
