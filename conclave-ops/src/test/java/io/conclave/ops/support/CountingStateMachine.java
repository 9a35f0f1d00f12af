package io.conclave.ops.support;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.raft.Entry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the non-empty entries applied per group; its snapshot is that count. */
public final class CountingStateMachine implements StateMachine {

    private final Map<Long, Long> counts = new ConcurrentHashMap<>();

    @Override
    public void apply(long groupId, List<Entry> entries) {
        long n = entries.stream().filter(e -> e.data().length > 0).count();
        counts.merge(groupId, n, Long::sum);
    }

    @Override
    public byte[] snapshot(long groupId) {
        return ByteBuffer.allocate(8).putLong(count(groupId)).array();
    }

    @Override
    public void restore(long groupId, byte[] data) {
        counts.put(groupId, ByteBuffer.wrap(data).getLong());
    }

    public long count(long groupId) {
        return counts.getOrDefault(groupId, 0L);
    }
}
