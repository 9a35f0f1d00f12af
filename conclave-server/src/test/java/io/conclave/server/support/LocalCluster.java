package io.conclave.server.support;

import io.conclave.api.ConclaveGrpc;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.node.ServerConfig;
import io.conclave.transport.LoopbackPorts;
import io.conclave.transport.TransportConfig;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Real Conclave nodes in one JVM on loopback, each on its own data directory under {@code root}. */
public final class LocalCluster implements AutoCloseable {

    private final Path root;
    private final Map<Long, int[]> ports = new TreeMap<>();
    private final Map<Long, ConclaveNode> nodes = new TreeMap<>();
    private final Map<Long, ManagedChannel> channels = new TreeMap<>();
    private final List<ServerConfig.ControllerSpec> controllers = new ArrayList<>();
    private final RuntimeConfig runtime;

    public LocalCluster(Path root, int initialControllers) {
        this(root, initialControllers, runtimeConfig());
    }

    /** With {@code runtime} for every node (e.g. small snapshot thresholds). */
    public LocalCluster(Path root, int initialControllers, RuntimeConfig runtime) {
        this.root = root;
        this.runtime = runtime;
        for (long id = 1; id <= initialControllers; id++) {
            int[] p = freePortPair();
            ports.put(id, p);
            controllers.add(new ServerConfig.ControllerSpec(id, "127.0.0.1", p[0], p[1]));
        }
    }

    /** Two distinct free ports below the ephemeral range ({@link LoopbackPorts}). */
    static int[] freePortPair() {
        return LoopbackPorts.pick(2);
    }

    public static RuntimeConfig runtimeConfig() {
        return RuntimeConfig.builder().loopCount(1).build();
    }

    public ServerConfig config(long id, List<String> seeds) {
        int[] p = ports.computeIfAbsent(id, k -> freePortPair());
        boolean controller = controllers.stream().anyMatch(c -> c.nodeId() == id);
        return new ServerConfig(id, "127.0.0.1", p[0], p[1], "rack-" + (char) ('a' + (id - 1) % 26),
                root.resolve("node-" + id), null, controller || seeds.isEmpty() ? controllers : List.of(), seeds,
                runtime, TransportConfig.defaults("127.0.0.1", 0), 10_000);
    }

    /** Starts an initial controller, or (with seeds) a node joining through them. */
    public ConclaveNode start(long id, List<String> seeds) {
        try {
            ConclaveNode n = new ConclaveNode(config(id, seeds)).start();
            nodes.put(id, n);
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ConclaveNode start(long id) {
        return start(id, List.of());
    }

    /** Nodes 1..3, all initial controllers, started and ready (bounded: 60 s). */
    public static LocalCluster startedThree(Path root) {
        LocalCluster c = new LocalCluster(root, 3);
        for (long id = 1; id <= 3; id++) {
            c.start(id);
        }
        c.awaitReady(Duration.ofSeconds(60));
        return c;
    }

    /** A client library connection seeded with every node started so far. */
    public io.conclave.client.ConclaveClient connectClient() {
        return io.conclave.client.ConclaveClient.connect(io.conclave.client.ClientConfig.of(
                ports.keySet().stream().map(this::clientAddress).toArray(String[]::new)));
    }

    public String clientAddress(long id) {
        return "127.0.0.1:" + ports.get(id)[1];
    }

    public ConclaveNode node(long id) {
        return nodes.get(id);
    }

    public Map<Long, ConclaveNode> nodes() {
        return nodes;
    }

    /** Stops a node as a crash would (no hand-off); its data stays. */
    public void kill(long id) {
        ConclaveNode n = nodes.remove(id);
        if (n != null) {
            n.halt();
        }
        ManagedChannel ch = channels.remove(id);
        if (ch != null) {
            ch.shutdownNow();
        }
    }

    /** Stops a node gracefully (leadership handed off first). */
    public void stop(long id) {
        ConclaveNode n = nodes.remove(id);
        if (n != null) {
            n.close();
        }
        ManagedChannel ch = channels.remove(id);
        if (ch != null) {
            ch.shutdownNow();
        }
    }

    public ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, k -> NettyChannelBuilder.forAddress("127.0.0.1", ports.get(k)[1])
                .usePlaintext().build());
    }

    public <Q, R> R call(long id, MethodDescriptor<Q, R> method, Q request) {
        return ClientCalls.blockingUnaryCall(channel(id), method,
                CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS), request);
    }

    public void awaitReady(Duration bound) {
        Await.until(bound, () -> nodes.values().stream().allMatch(ConclaveNode::isReady),
                () -> "every node ready: " + nodes.values().stream().map(n -> n.nodeId() + "=" + n.notReadyReason()).toList());
    }

    @Override
    public void close() {
        new ArrayList<>(nodes.keySet()).forEach(this::kill);
        channels.values().forEach(ManagedChannel::shutdownNow);
    }

    /** Bounded waiting for a condition (no sleeps to wait: polls with a short park). */
    public static final class Await {
        private Await() {
        }

        public static void until(Duration bound, BooleanSupplier condition, Supplier<String> what) {
            long deadline = System.nanoTime() + bound.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not within " + bound + ": " + what.get());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }

        /** The first non-null result of {@code attempt} within {@code bound}; null or an exception is "not yet". */
        public static <T> T result(Duration bound, Supplier<T> attempt, String what) {
            long deadline = System.nanoTime() + bound.toNanos();
            RuntimeException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    T value = attempt.get();
                    if (value != null) {
                        return value;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // not yet: null
                } catch (RuntimeException e) {
                    last = e;
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                }
            }
            throw new AssertionError("not within " + bound + ": " + what, last);
        }
    }
}
