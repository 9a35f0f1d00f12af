package io.conclave.server.node;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.raft.Entry;
import io.conclave.server.metadata.MetadataLog;
import io.conclave.server.partition.PartitionLog;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every group's state on one node: the controller group ({@link #CONTROLLER_GROUP}) applies into
 * the {@link MetadataLog}, every other group is a partition with its {@link PartitionLog}, made on
 * first use (a partition's state exists as soon as its log is replayed, before the node's
 * reconciler has looked at the metadata).
 */
public final class NodeStateMachine implements StateMachine {

    public static final long CONTROLLER_GROUP = 0;

    private final MetadataLog metadata = new MetadataLog();
    private final ConcurrentHashMap<Long, PartitionLog> partitions = new ConcurrentHashMap<>();
    private final PartitionLog.FenceListener fenceListener;

    public NodeStateMachine(PartitionLog.FenceListener fenceListener) {
        this.fenceListener = fenceListener;
    }

    public MetadataLog metadata() {
        return metadata;
    }

    public PartitionLog partition(long groupId) {
        return partitions.computeIfAbsent(groupId, g -> new PartitionLog(g, fenceListener));
    }

    @Override
    public void apply(long groupId, List<Entry> entries) {
        if (groupId == CONTROLLER_GROUP) {
            metadata.apply(entries);
        } else {
            partition(groupId).apply(entries);
        }
    }

    @Override
    public byte[] snapshot(long groupId) {
        // Partitions keep their whole log (it is their data); the metadata image is small.
        return groupId == CONTROLLER_GROUP ? metadata.snapshot() : null;
    }

    @Override
    public void restore(long groupId, byte[] data) {
        if (groupId != CONTROLLER_GROUP) {
            throw new IllegalStateException("partition group " + groupId + " takes no snapshots, yet one was restored");
        }
        metadata.restore(data);
    }
}
