package io.conclave.bench.runtime;

import io.conclave.raft.Entry;
import io.conclave.multiraft.apply.StateMachine;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmarks' state machine: counts entries and bytes applied and keeps, per group, the last
 * index applied (its snapshot is that index). Cheap, so the figures are the runtime's.
 */
final class BenchMachine implements StateMachine {

    private final ConcurrentHashMap<Long, Long> lastIndex = new ConcurrentHashMap<>();
    private final LongAdder entries = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    @Override
    public void apply(long groupId, List<Entry> applied) {
        long b = 0;
        for (Entry e : applied) {
            b += e.data().length;
        }
        entries.add(applied.size());
        bytes.add(b);
        if (!applied.isEmpty()) {
            lastIndex.put(groupId, applied.get(applied.size() - 1).index());
        }
    }

    @Override
    public byte[] snapshot(long groupId) {
        return ByteBuffer.allocate(Long.BYTES).putLong(lastIndex.getOrDefault(groupId, 0L)).array();
    }

    @Override
    public void restore(long groupId, byte[] data) {
        lastIndex.put(groupId, ByteBuffer.wrap(data).getLong());
    }

    long entriesApplied() {
        return entries.sum();
    }

    long bytesApplied() {
        return bytes.sum();
    }
}
