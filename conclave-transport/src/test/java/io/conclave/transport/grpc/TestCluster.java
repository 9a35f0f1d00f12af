package io.conclave.transport.grpc;

import io.conclave.transport.TransportConfig;
import io.conclave.transport.fault.FaultInjector;

import java.util.HashMap;
import java.util.Map;

/** Real gRPC transports on 127.0.0.1 in one JVM, fully meshed; nodes are numbered from 1. */
final class TestCluster implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final TransportConfig config;
    private final Map<Long, FaultInjector> faults = new HashMap<>();
    private final Map<Long, GrpcTransport> nodes = new HashMap<>();
    private final Map<Long, RecordingHandler> handlers = new HashMap<>();
    private final Map<Long, Integer> ports = new HashMap<>();
    private final Map<Long, Long> incarnations = new HashMap<>();

    /** {@code size} nodes; {@code sharedFaults} is used by every node (each gets its own if null). */
    TestCluster(int size, TransportConfig config, FaultInjector sharedFaults) {
        this.config = config;
        for (long n = 1; n <= size; n++) {
            faults.put(n, sharedFaults != null ? sharedFaults : new FaultInjector(n));
            startNode(n, 0);
        }
        for (long a = 1; a <= size; a++) {
            for (long b = 1; b <= size; b++) {
                if (a != b) {
                    nodes.get(a).addPeer(b, HOST, ports.get(b));
                }
            }
        }
    }

    static TransportConfig testConfig() {
        return TransportConfig.defaults(HOST, 0).withBackoff(10, 200).withShutdownMs(3_000);
    }

    GrpcTransport node(long n) {
        return nodes.get(n);
    }

    RecordingHandler handler(long n) {
        return handlers.get(n);
    }

    FaultInjector faults(long n) {
        return faults.get(n);
    }

    long incarnation(long n) {
        return incarnations.get(n);
    }

    /** Stops node {@code n} as a crash would: its server and its connections go away. */
    void stop(long n) {
        nodes.remove(n).close();
    }

    /** Starts node {@code n} again, on the same port, with the next incarnation, and reconnects it. */
    void restart(long n) {
        startNode(n, ports.get(n));
        for (Map.Entry<Long, Integer> peer : ports.entrySet()) {
            if (peer.getKey() != n) {
                nodes.get(n).addPeer(peer.getKey(), HOST, peer.getValue());
            }
        }
    }

    private void startNode(long n, int port) {
        long incarnation = incarnations.merge(n, 1L, Long::sum);
        GrpcTransport t = GrpcTransport.start(n, incarnation, config.withPort(port), faults.get(n));
        RecordingHandler h = new RecordingHandler();
        t.setInboundHandler(h);
        nodes.put(n, t);
        handlers.put(n, h);
        ports.put(n, t.port());
    }

    @Override
    public void close() {
        for (RecordingHandler h : handlers.values()) {
            h.release.countDown();
        }
        for (GrpcTransport t : nodes.values()) {
            t.close();
        }
        nodes.clear();
    }
}
