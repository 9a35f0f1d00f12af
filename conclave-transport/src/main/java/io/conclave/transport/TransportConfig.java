package io.conclave.transport;

/**
 * Every bound of a transport. Sizes are encoded bytes.
 *
 * @param bindHost the address the server listens on and that peers are dialled from (tests: 127.0.0.1)
 * @param port the server's port; 0 picks an ephemeral one
 * @param priority the queue bounds of each peer's priority lane
 * @param bulk the queue bounds of each peer's bulk lane
 * @param snapshot the queue bounds of each peer's snapshot lane
 * @param batchMessagesMax the most messages one frame carries
 * @param batchBytesMax the most bytes one frame carries (a single larger message still goes, alone)
 * @param inboundMessageBytesMax the largest frame a server accepts, and so the largest message a
 *     sender accepts; must hold a full batch and a snapshot chunk
 * @param flowControlWindowBytes the HTTP/2 flow-control window of every stream, in both directions:
 *     with the queue bounds, it caps what a slow peer can make this node hold
 * @param backoffMinMs the first reconnection delay after a connection is lost
 * @param backoffMaxMs the cap on the doubling reconnection delay
 * @param backoffJitter the fraction (0 to 1) of each delay that is randomised
 * @param handshakeDeadlineMs the deadline of the unary handshake that opens every connection
 * @param keepAliveMs the HTTP/2 keepalive ping interval that detects a silently dead peer (at least
 *     10 s, gRPC's floor)
 * @param senderThreads threads that drain the queues into the streams, shared by all peers
 * @param inboundThreads network threads that read the peers' connections (the transport has its own,
 *     apart from gRPC's shared ones; one more accepts, one writes the priority lanes, one the others)
 * @param shutdownMs how long close() waits for the server and channels to terminate
 * @param seed the seed of the reconnection jitter
 * @param inboundOnNetty whether inbound frames are handed to the {@code InboundHandler} on the network
 *     thread that read them (one thread hand-off fewer per message; the handler must then never
 *     block, as the runtime's does not: it queues or refuses) rather than on a pool thread per call
 *     (a handler that blocks then pushes back on its own lane alone)
 */
public record TransportConfig(String bindHost, int port, LaneLimits priority, LaneLimits bulk, LaneLimits snapshot,
                              int batchMessagesMax, int batchBytesMax, int inboundMessageBytesMax,
                              int flowControlWindowBytes,
                              long backoffMinMs, long backoffMaxMs, double backoffJitter, long handshakeDeadlineMs,
                              long keepAliveMs, int senderThreads, int inboundThreads, long shutdownMs,
                              long seed, boolean inboundOnNetty) {

    /**
     * The bounds of one lane's queue towards one peer; a message that would exceed either is dropped.
     *
     * @param messagesMax the most messages queued
     * @param bytesMax the most encoded bytes queued
     */
    public record LaneLimits(int messagesMax, long bytesMax) {

        public LaneLimits validate(String lane) {
            if (messagesMax < 1 || bytesMax < 1) {
                throw new IllegalArgumentException(lane + " lane limits must be positive: " + this);
            }
            return this;
        }
    }

    /** Defaults for a node on {@code bindHost}, listening on {@code port} (0: ephemeral). */
    public static TransportConfig defaults(String bindHost, int port) {
        return new TransportConfig(bindHost, port,
                new LaneLimits(4_096, 4L << 20),
                new LaneLimits(16_384, 64L << 20),
                new LaneLimits(16, 64L << 20),
                1_024, 1 << 20, 16 << 20, 1 << 20,
                50, 5_000, 0.5, 5_000, 10_000, 2, 2, 5_000, 0x5eed, true);
    }

    /** Checks every bound; returns this so that a caller can chain it. */
    public TransportConfig validate() {
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("bindHost must be set");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (ephemeral) to 65535: " + port);
        }
        priority.validate("priority");
        bulk.validate("bulk");
        snapshot.validate("snapshot");
        if (batchMessagesMax < 1 || batchBytesMax < 1) {
            throw new IllegalArgumentException("batch limits must be positive: messages=" + batchMessagesMax
                    + " bytes=" + batchBytesMax);
        }
        if (inboundMessageBytesMax < batchBytesMax + 1_024) {
            throw new IllegalArgumentException("inboundMessageBytesMax (" + inboundMessageBytesMax
                    + ") must exceed batchBytesMax (" + batchBytesMax + ") by at least 1 KiB of framing");
        }
        if (flowControlWindowBytes < 65_535) {
            throw new IllegalArgumentException("flowControlWindowBytes must be at least the HTTP/2 default of "
                    + "65535: " + flowControlWindowBytes);
        }
        if (backoffMinMs < 1 || backoffMaxMs < backoffMinMs) {
            throw new IllegalArgumentException("need 1 <= backoffMinMs <= backoffMaxMs: " + backoffMinMs + ", "
                    + backoffMaxMs);
        }
        if (!(backoffJitter >= 0 && backoffJitter <= 1)) {
            throw new IllegalArgumentException("backoffJitter must be in [0, 1]: " + backoffJitter);
        }
        if (handshakeDeadlineMs < 1 || shutdownMs < 1) {
            throw new IllegalArgumentException("deadlines must be positive: handshake=" + handshakeDeadlineMs
                    + " shutdown=" + shutdownMs);
        }
        if (keepAliveMs < 10_000) {
            throw new IllegalArgumentException("keepAliveMs must be at least 10000 (gRPC's floor): " + keepAliveMs);
        }
        if (senderThreads < 1 || senderThreads > 64) {
            throw new IllegalArgumentException("senderThreads must be 1 to 64: " + senderThreads);
        }
        if (inboundThreads < 1 || inboundThreads > 64) {
            throw new IllegalArgumentException("inboundThreads must be 1 to 64: " + inboundThreads);
        }
        return this;
    }

    public LaneLimits limits(Lane lane) {
        switch (lane) {
            case PRIORITY:
                return priority;
            case BULK:
                return bulk;
            default:
                return snapshot;
        }
    }

    public TransportConfig withPort(int newPort) {
        return new TransportConfig(bindHost, newPort, priority, bulk, snapshot, batchMessagesMax, batchBytesMax,
                inboundMessageBytesMax, flowControlWindowBytes, backoffMinMs, backoffMaxMs, backoffJitter,
                handshakeDeadlineMs, keepAliveMs, senderThreads, inboundThreads, shutdownMs, seed, inboundOnNetty);
    }

    public TransportConfig withLimits(Lane lane, LaneLimits limits) {
        return new TransportConfig(bindHost, port, lane == Lane.PRIORITY ? limits : priority,
                lane == Lane.BULK ? limits : bulk, lane == Lane.SNAPSHOT ? limits : snapshot, batchMessagesMax,
                batchBytesMax, inboundMessageBytesMax, flowControlWindowBytes, backoffMinMs, backoffMaxMs,
                backoffJitter, handshakeDeadlineMs, keepAliveMs, senderThreads, inboundThreads, shutdownMs, seed, inboundOnNetty);
    }

    public TransportConfig withBatch(int messagesMax, int bytesMax) {
        return new TransportConfig(bindHost, port, priority, bulk, snapshot, messagesMax, bytesMax,
                inboundMessageBytesMax, flowControlWindowBytes, backoffMinMs, backoffMaxMs, backoffJitter,
                handshakeDeadlineMs, keepAliveMs, senderThreads, inboundThreads, shutdownMs, seed, inboundOnNetty);
    }

    public TransportConfig withBackoff(long minMs, long maxMs) {
        return new TransportConfig(bindHost, port, priority, bulk, snapshot, batchMessagesMax, batchBytesMax,
                inboundMessageBytesMax, flowControlWindowBytes, minMs, maxMs, backoffJitter, handshakeDeadlineMs,
                keepAliveMs, senderThreads, inboundThreads, shutdownMs, seed, inboundOnNetty);
    }

    public TransportConfig withInboundOnNetty(boolean onNetty) {
        return new TransportConfig(bindHost, port, priority, bulk, snapshot, batchMessagesMax, batchBytesMax,
                inboundMessageBytesMax, flowControlWindowBytes, backoffMinMs, backoffMaxMs, backoffJitter,
                handshakeDeadlineMs, keepAliveMs, senderThreads, inboundThreads, shutdownMs, seed, onNetty);
    }

    public TransportConfig withShutdownMs(long newShutdownMs) {
        return new TransportConfig(bindHost, port, priority, bulk, snapshot, batchMessagesMax, batchBytesMax,
                inboundMessageBytesMax, flowControlWindowBytes, backoffMinMs, backoffMaxMs, backoffJitter,
                handshakeDeadlineMs, keepAliveMs, senderThreads, inboundThreads, newShutdownMs, seed, inboundOnNetty);
    }
}
