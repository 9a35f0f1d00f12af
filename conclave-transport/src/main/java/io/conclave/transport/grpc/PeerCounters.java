package io.conclave.transport.grpc;

import io.conclave.transport.TransportStats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The running counters of one peer, bumped by any sending or receiving thread. */
final class PeerCounters {

    private final long peer;
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder batchesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder batchesReceived = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder bytesDropped = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final AtomicLong peerIncarnation = new AtomicLong();

    PeerCounters(long peer) {
        this.peer = peer;
    }

    void sent(int messages, long bytes) {
        batchesSent.increment();
        messagesSent.add(messages);
        bytesSent.add(bytes);
    }

    void received(int messages, long bytes) {
        batchesReceived.increment();
        messagesReceived.add(messages);
        bytesReceived.add(bytes);
    }

    void dropped(long messages, long bytes) {
        messagesDropped.add(messages);
        bytesDropped.add(bytes);
    }

    void reconnected() {
        reconnects.increment();
    }

    void connectFailed() {
        connectFailures.increment();
    }

    /** Records the incarnation a handshake reported; returns the one seen before (0 if none). */
    long handshook(long incarnation) {
        return peerIncarnation.getAndSet(incarnation);
    }

    TransportStats.PeerStats snapshot(boolean reachable, long queuedMessages, long queuedBytes) {
        return new TransportStats.PeerStats(peer, reachable, peerIncarnation.get(), messagesSent.sum(),
                bytesSent.sum(), batchesSent.sum(), messagesReceived.sum(), bytesReceived.sum(),
                batchesReceived.sum(), messagesDropped.sum(), bytesDropped.sum(), reconnects.sum(),
                connectFailures.sum(), queuedMessages, queuedBytes);
    }
}
