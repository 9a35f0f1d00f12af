package io.conclave.transport;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A snapshot of a transport's counters since it started, per peer (sent to or received from). */
public record TransportStats(Map<Long, PeerStats> peers) {

    public TransportStats {
        peers = Map.copyOf(peers);
    }

    /**
     * Counters for one peer.
     *
     * @param peer the peer's node id
     * @param reachable whether every lane to the peer is connected right now
     * @param peerIncarnation the incarnation the peer reported at its last handshake (0 before any)
     * @param messagesSent messages written to the peer's streams
     * @param bytesSent encoded bytes of those messages
     * @param batchesSent frames (RaftBatch) written to the peer's streams
     * @param messagesReceived messages and liveness signals received from the peer
     * @param bytesReceived encoded bytes of the frames that carried them
     * @param batchesReceived frames received from the peer
     * @param messagesDropped messages to or from the peer that were refused or lost: full queue,
     *     peer unreachable, broken stream, oversize, fault injection
     * @param bytesDropped encoded bytes of the dropped messages
     * @param reconnects connections re-established after one was lost
     * @param connectFailures connection attempts that failed
     * @param queuedMessages messages waiting in the peer's queues now
     * @param queuedBytes encoded bytes waiting in the peer's queues now
     */
    public record PeerStats(long peer, boolean reachable, long peerIncarnation, long messagesSent, long bytesSent,
                            long batchesSent, long messagesReceived, long bytesReceived, long batchesReceived,
                            long messagesDropped, long bytesDropped, long reconnects, long connectFailures,
                            long queuedMessages, long queuedBytes) {
    }

    /** The counters for {@code peer}, or all zeros if nothing was ever sent to or received from it. */
    public PeerStats peer(long peer) {
        PeerStats s = peers.get(peer);
        return s != null ? s : new PeerStats(peer, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The configured peers that are not reachable right now. */
    public Set<Long> unreachablePeers() {
        Set<Long> out = new TreeSet<>();
        for (PeerStats s : peers.values()) {
            if (!s.reachable()) {
                out.add(s.peer());
            }
        }
        return out;
    }

    public long messagesSent() {
        return peers.values().stream().mapToLong(PeerStats::messagesSent).sum();
    }

    public long batchesSent() {
        return peers.values().stream().mapToLong(PeerStats::batchesSent).sum();
    }

    public long messagesReceived() {
        return peers.values().stream().mapToLong(PeerStats::messagesReceived).sum();
    }

    public long batchesReceived() {
        return peers.values().stream().mapToLong(PeerStats::batchesReceived).sum();
    }

    public long messagesDropped() {
        return peers.values().stream().mapToLong(PeerStats::messagesDropped).sum();
    }

    @Override
    public String toString() {
        return "TransportStats" + new TreeMap<>(peers).values();
    }
}
