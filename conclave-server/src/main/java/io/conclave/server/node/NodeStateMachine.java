package io.conclave.server.node;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.raft.Entry;
import io.conclave.server.metadata.MetadataLog;
import io.conclave.server.partition.PartitionLog;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every group's state on one node: the controller group ({@link #CONTROLLER_GROUP}) applies into
 * the {@link MetadataLog}, every other group is a partition with its {@link PartitionLog}, made on
 * first use (a partition's state exists as soon as its log is replayed, before the node's
 * reconciler has looked at the metadata). A partition's snapshots are its retention boundary
 * ({@link PartitionLog#retentionSnapshot}): the runtime compacts its log behind the point retention
 * reached, never further.
 */
public final class NodeStateMachine implements StateMachine {

    public static final long CONTROLLER_GROUP = 0;

    private final MetadataLog metadata = new MetadataLog();
    private final ConcurrentHashMap<Long, PartitionLog> partitions = new ConcurrentHashMap<>();
    private final PartitionLog.FenceListener fenceListener;
    private final LongSupplier nowMs;

    public NodeStateMachine(PartitionLog.FenceListener fenceListener) {
        this(fenceListener, System::currentTimeMillis);
    }

    /** {@code nowMs}: the clock retention ages batches by. */
    public NodeStateMachine(PartitionLog.FenceListener fenceListener, LongSupplier nowMs) {
        this.fenceListener = fenceListener;
        this.nowMs = nowMs;
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
        // The metadata image is small; a partition's snapshot is its retention boundary (snapshotUpTo).
        return groupId == CONTROLLER_GROUP ? metadata.snapshot() : null;
    }

    @Override
    public IndexedSnapshot snapshotUpTo(long groupId, long appliedIndex) {
        if (groupId == CONTROLLER_GROUP) {
            return StateMachine.super.snapshotUpTo(groupId, appliedIndex);
        }
        return partition(groupId).retentionSnapshot(nowMs.getAsLong());
    }

    @Override
    public void restore(long groupId, byte[] data) {
        if (groupId == CONTROLLER_GROUP) {
            metadata.restore(data);
        } else {
            partition(groupId).restore(data);
        }
    }
}
