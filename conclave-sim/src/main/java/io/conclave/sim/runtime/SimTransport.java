package io.conclave.sim.runtime;

import io.conclave.raft.message.Message;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.Transport;
import io.conclave.transport.TransportStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One incarnation's {@link Transport} over the simulated network. {@link #send} queues per peer (bounded
 * by {@code outboxMessagesMax}); {@link #flush} hands each peer's queue to the network as one packet;
 * {@link #sendPriority} and {@link #sendLiveness} leave at once as packets of their own. The network
 * delivers through the scheduler, so a send never runs the receiver inline. Once closed (the node
 * crashed) it sends nothing and receives nothing.
 */
final class SimTransport implements Transport {

    /** A batch of Raft messages as it crosses the simulated network. */
    record Batch(List<Envelope> messages) {
    }

    private final RuntimeNetwork network;
    private final long nodeId;
    private final Set<Long> peers;
    private final int outboxMessagesMax;
    private final TreeMap<Long, List<Envelope>> outbox = new TreeMap<>();
    private final Map<Long, long[]> counters = new HashMap<>(); // sent, batches, received, dropped
    private InboundHandler handler;
    private boolean closed;

    SimTransport(RuntimeNetwork network, long nodeId, Set<Long> peers, int outboxMessagesMax) {
        this.network = network;
        this.nodeId = nodeId;
        this.peers = Set.copyOf(peers);
        this.outboxMessagesMax = outboxMessagesMax;
    }

    @Override
    public long localNode() {
        return nodeId;
    }

    @Override
    public boolean send(long toNode, long groupId, Message message) {
        checkPeer(toNode);
        List<Envelope> q = outbox.computeIfAbsent(toNode, k -> new ArrayList<>());
        if (closed || q.size() >= outboxMessagesMax) {
            counters(toNode)[3]++;
            return false;
        }
        q.add(new Envelope(groupId, message));
        return true;
    }

    @Override
    public boolean sendPriority(long toNode, long groupId, Message message) {
        checkPeer(toNode);
        if (closed) {
            counters(toNode)[3]++;
            return false;
        }
        ship(toNode, new Batch(List.of(new Envelope(groupId, message))), 1);
        return true;
    }

    @Override
    public boolean sendLiveness(long toNode, Liveness signal) {
        checkPeer(toNode);
        if (closed) {
            return false;
        }
        network.send(nodeId, toNode, signal);
        return true;
    }

    @Override
    public void flush() {
        for (Map.Entry<Long, List<Envelope>> e : outbox.entrySet()) {
            List<Envelope> q = e.getValue();
            if (!q.isEmpty()) {
                ship(e.getKey(), new Batch(List.copyOf(q)), q.size());
                q.clear();
            }
        }
    }

    private void ship(long toNode, Batch batch, int messages) {
        long[] c = counters(toNode);
        c[0] += messages;
        c[1]++;
        network.send(nodeId, toNode, batch);
    }

    /** A packet arrived from the network (scheduler thread); false when this incarnation is gone. */
    boolean receive(long fromNode, Object payload) {
        if (closed || handler == null) {
            return false;
        }
        if (payload instanceof Batch b) {
            counters(fromNode)[2] += b.messages().size();
            handler.onMessages(fromNode, b.messages());
        } else if (payload instanceof Liveness l) {
            handler.onLiveness(fromNode, l);
        } else {
            throw new IllegalArgumentException("not a runtime packet: " + payload);
        }
        return true;
    }

    private void checkPeer(long toNode) {
        if (!peers.contains(toNode)) {
            throw new IllegalArgumentException("node " + toNode + " is not a peer of node " + nodeId);
        }
    }

    private long[] counters(long peer) {
        return counters.computeIfAbsent(peer, k -> new long[4]);
    }

    @Override
    public void setInboundHandler(InboundHandler h) {
        handler = h;
    }

    @Override
    public Set<Long> peers() {
        return new TreeSet<>(peers);
    }

    @Override
    public TransportStats stats() {
        Map<Long, TransportStats.PeerStats> m = new HashMap<>();
        for (Map.Entry<Long, long[]> e : counters.entrySet()) {
            long[] c = e.getValue();
            List<Envelope> q = outbox.get(e.getKey());
            m.put(e.getKey(), new TransportStats.PeerStats(e.getKey(), !closed, 0, c[0], 0, c[1], c[2], 0, 0, c[3],
                    0, 0, 0, q == null ? 0 : q.size(), 0));
        }
        return new TransportStats(m);
    }

    @Override
    public void close() {
        closed = true;
        outbox.clear();
    }
}
