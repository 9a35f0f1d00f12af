package io.conclave.bench.raft;

import io.conclave.raft.Entry;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.Ready;
import io.conclave.raft.message.Message;
import io.conclave.raft.storage.MemoryStorage;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A cluster of {@link RaftNode}s over {@link MemoryStorage}, driven from the calling thread: each
 * node's Ready is persisted to its storage and applied, and messages go straight to the receiver's
 * {@code step}. Storage is compacted at the applied index every {@link #COMPACT_EVERY_ENTRIES}
 * entries so memory stays bounded however long the benchmark runs.
 */
final class InMemoryCluster {

    static final long COMPACT_EVERY_ENTRIES = 8192;
    /** Bound on host-loop rounds to settle one batch; exceeding it means the core stalled. */
    static final int SETTLE_ROUNDS_MAX = 10_000;

    private final RaftNode[] nodes;
    private final MemoryStorage[] storages;
    private final long[] applied;
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private long compactedAt;
    private final int leader;

    InMemoryCluster(int size) {
        long[] ids = new long[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i + 1;
        }
        nodes = new RaftNode[size];
        storages = new MemoryStorage[size];
        applied = new long[size];
        for (int i = 0; i < size; i++) {
            storages[i] = MemoryStorage.withVoters(ids);
            nodes[i] = new RaftNode(RaftConfig.defaults(ids[i]), storages[i], RandomSource.seeded(ids[i]));
        }
        nodes[0].campaign();
        settle();
        if (!nodes[0].isLeader()) {
            throw new IllegalStateException("node 1 did not become leader: " + nodes[0]);
        }
        leader = 0;
    }

    RaftNode leader() {
        return nodes[leader];
    }

    long leaderApplied() {
        return applied[leader];
    }

    /** Proposes {@code batch} at the leader and runs the cluster until it is quiet; returns entries applied on the leader. */
    int proposeAndSettle(List<byte[]> batch) {
        long before = applied[leader];
        if (!nodes[leader].proposeBatch(batch).accepted()) {
            throw new IllegalStateException("proposal refused by " + nodes[leader]);
        }
        settle();
        maybeCompact();
        return (int) (applied[leader] - before);
    }

    /** Host loops and deliveries until no node has work and no message is in flight. */
    private void settle() {
        for (int round = 0; round < SETTLE_ROUNDS_MAX; round++) {
            boolean moved = false;
            for (int i = 0; i < nodes.length; i++) {
                moved |= handleReady(i);
            }
            Message m;
            while ((m = network.pollFirst()) != null) {
                nodes[(int) m.to() - 1].step(m);
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new IllegalStateException("cluster did not settle in " + SETTLE_ROUNDS_MAX + " rounds");
    }

    private boolean handleReady(int i) {
        RaftNode n = nodes[i];
        if (!n.hasReady()) {
            return false;
        }
        Ready rd = n.ready();
        MemoryStorage s = storages[i];
        if (rd.snapshot() != null) {
            s.applySnapshot(rd.snapshot());
            applied[i] = rd.snapshot().index();
        }
        s.append(rd.entries());
        if (rd.hardState() != null) {
            s.setHardState(rd.hardState());
        }
        network.addAll(rd.messages());
        List<Entry> committed = rd.committedEntries();
        if (!committed.isEmpty()) {
            applied[i] = committed.get(committed.size() - 1).index();
        }
        n.advance(rd);
        return true;
    }

    private void maybeCompact() {
        if (applied[leader] - compactedAt < COMPACT_EVERY_ENTRIES) {
            return;
        }
        for (int i = 0; i < nodes.length; i++) {
            long at = applied[i];
            if (at > storages[i].snapshot().index()) {
                storages[i].createSnapshot(at, nodes[i].confState(), null);
                storages[i].compact(at);
            }
        }
        compactedAt = applied[leader];
    }
}
