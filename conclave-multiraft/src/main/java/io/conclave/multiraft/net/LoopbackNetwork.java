package io.conclave.multiraft.net;

import io.conclave.raft.message.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory network of {@link Transport} endpoints for tests: a send is handed at once, on the
 * sender's thread, to the receiver's inbound handler (which only enqueues). Nodes can be cut off
 * and reconnected, and links between two nodes cut; what cannot be delivered is dropped and counted.
 */
public final class LoopbackNetwork {

    private final Map<Long, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Long> cutLinks = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** The endpoint of {@code nodeId}, created on first use; a closed one is replaced. */
    public synchronized Transport endpoint(long nodeId) {
        Endpoint e = endpoints.get(nodeId);
        if (e == null || e.closed) {
            e = new Endpoint(nodeId);
            endpoints.put(nodeId, e);
        }
        return e;
    }

    /** Drops everything to and from {@code nodeId} until {@link #reconnect}. */
    public void isolate(long nodeId) {
        isolated.add(nodeId);
    }

    public void reconnect(long nodeId) {
        isolated.remove(nodeId);
    }

    /** Drops everything between {@code a} and {@code b}, both ways, until {@link #healLink}. */
    public void cutLink(long a, long b) {
        cutLinks.add(linkKey(a, b));
    }

    public void healLink(long a, long b) {
        cutLinks.remove(linkKey(a, b));
    }

    public long delivered() {
        return delivered.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private static long linkKey(long a, long b) {
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        return lo * 1_000_003L + hi;
    }

    private void deliver(long from, long to, long groupId, Message m) {
        Endpoint target = endpoints.get(to);
        if (target == null || target.closed || target.handler == null || isolated.contains(from)
                || isolated.contains(to) || (!cutLinks.isEmpty() && cutLinks.contains(linkKey(from, to)))) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        target.handler.onEnvelope(from, List.of(new GroupMessage(groupId, m)));
    }

    private final class Endpoint implements Transport {
        private final long nodeId;
        private volatile InboundHandler handler;
        private volatile boolean closed;

        Endpoint(long nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public void send(long toNode, long groupId, Message message) {
            if (!closed) {
                deliver(nodeId, toNode, groupId, message);
            }
        }

        @Override
        public void sendPriority(long toNode, long groupId, Message message) {
            send(toNode, groupId, message);
        }

        @Override
        public void setInboundHandler(InboundHandler h) {
            handler = h;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
