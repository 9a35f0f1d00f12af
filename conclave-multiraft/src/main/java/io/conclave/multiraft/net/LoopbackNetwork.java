package io.conclave.multiraft.net;

import io.conclave.raft.message.Message;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.Transport;
import io.conclave.transport.TransportStats;
import io.conclave.transport.fault.FaultInjector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory network of {@link Transport} endpoints for tests: a send is handed at once, on the
 * sender's thread, to the receiver's inbound handler (which only enqueues). Every endpoint ever
 * created is a peer of every other. Faults come from a {@link FaultInjector} (drops only); a closed
 * endpoint neither sends nor receives, and a new endpoint of the same node replaces it.
 */
public final class LoopbackNetwork {

    private final Map<Long, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final FaultInjector faults;

    public LoopbackNetwork(FaultInjector faults) {
        this.faults = faults;
    }

    public LoopbackNetwork() {
        this(new FaultInjector(1));
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The endpoint of {@code nodeId}, created on first use; a closed one is replaced. */
    public synchronized Transport endpoint(long nodeId) {
        Endpoint e = endpoints.get(nodeId);
        if (e == null || e.closed) {
            e = new Endpoint(nodeId);
            endpoints.put(nodeId, e);
        }
        return e;
    }

    private Endpoint reachable(long from, long to) {
        Endpoint target = endpoints.get(to);
        if (target == null || target.closed || target.handler == null || faults.onSend(from, to).drop()
                || faults.dropsOnReceive(from, to)) {
            return null;
        }
        return target;
    }

    private final class Endpoint implements Transport {
        private final long nodeId;
        private volatile InboundHandler handler;
        private volatile boolean closed;
        private final Map<Long, AtomicLong[]> counters = new ConcurrentHashMap<>();

        Endpoint(long nodeId) {
            this.nodeId = nodeId;
        }

        /** [sent, received, dropped] for a peer. */
        private AtomicLong[] counters(long peer) {
            return counters.computeIfAbsent(peer, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(),
                new AtomicLong()});
        }

        @Override
        public long localNode() {
            return nodeId;
        }

        @Override
        public boolean send(long toNode, long groupId, Message message) {
            Endpoint target = closed ? null : reachable(nodeId, toNode);
            if (target == null) {
                counters(toNode)[2].incrementAndGet();
                return false;
            }
            counters(toNode)[0].incrementAndGet();
            target.counters(nodeId)[1].incrementAndGet();
            target.handler.onMessages(nodeId, List.of(new Envelope(groupId, message)));
            return true;
        }

        @Override
        public boolean sendPriority(long toNode, long groupId, Message message) {
            return send(toNode, groupId, message);
        }

        @Override
        public boolean sendLiveness(long toNode, Liveness signal) {
            Endpoint target = closed ? null : reachable(nodeId, toNode);
            if (target == null) {
                counters(toNode)[2].incrementAndGet();
                return false;
            }
            counters(toNode)[0].incrementAndGet();
            target.counters(nodeId)[1].incrementAndGet();
            target.handler.onLiveness(nodeId, signal);
            return true;
        }

        @Override
        public void flush() {
            // every send is delivered at once
        }

        @Override
        public void setInboundHandler(InboundHandler h) {
            handler = h;
        }

        @Override
        public Set<Long> peers() {
            Set<Long> out = new TreeSet<>(endpoints.keySet());
            out.remove(nodeId);
            return out;
        }

        @Override
        public TransportStats stats() {
            Map<Long, TransportStats.PeerStats> m = new HashMap<>();
            for (Map.Entry<Long, AtomicLong[]> e : counters.entrySet()) {
                AtomicLong[] c = e.getValue();
                Endpoint peer = endpoints.get(e.getKey());
                boolean up = peer != null && !peer.closed;
                m.put(e.getKey(), new TransportStats.PeerStats(e.getKey(), up, 0, c[0].get(), 0, c[0].get(),
                        c[1].get(), 0, c[1].get(), c[2].get(), 0, 0, 0, 0, 0));
            }
            return new TransportStats(m);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
