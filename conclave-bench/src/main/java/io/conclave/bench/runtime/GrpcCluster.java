package io.conclave.bench.runtime;

import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.storage.disk.RealDisk;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.grpc.GrpcTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Three (or more) {@link RaftRuntime}s in this JVM over {@link GrpcTransport} on 127.0.0.1, each on
 * a {@link RealDisk} in its own directory under a fresh temp directory, which {@link #close()}
 * deletes. Nodes are 1..n; groups have every node as a voter.
 */
final class GrpcCluster implements AutoCloseable {

    private final Path dir;
    private final RuntimeConfig config;
    private final Map<Long, RaftRuntime> nodes = new java.util.concurrent.ConcurrentSkipListMap<>(); // stop() may run on another thread
    private final Map<Long, BenchMachine> machines = new TreeMap<>();
    private final Map<Long, Integer> ports = new TreeMap<>();
    private final Set<Long> voters;

    private GrpcCluster(Path dir, RuntimeConfig config, int nodeCount) {
        this.dir = dir;
        this.config = config;
        Set<Long> v = new java.util.TreeSet<>();
        for (long id = 1; id <= nodeCount; id++) {
            v.add(id);
        }
        this.voters = Set.copyOf(v);
    }

    /** Starts {@code nodeCount} runtimes under a new directory in {@code base} and connects them all. */
    static GrpcCluster start(Path base, RuntimeConfig config, int nodeCount) throws IOException {
        GrpcCluster c = new GrpcCluster(Files.createTempDirectory(base, "conclave-rt-bench-"), config, nodeCount);
        try {
            for (long id = 1; id <= nodeCount; id++) {
                c.startNode(id);
            }
            c.awaitConnected();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void startNode(long id) throws IOException {
        BenchMachine sm = new BenchMachine();
        RaftRuntime r = new RaftRuntime(id, config, new RealDisk(dir.resolve("n" + id)), "data",
                incarnation -> GrpcTransport.start(id, incarnation, TransportConfig.defaults("127.0.0.1", 0)),
                sm, SystemClock.INSTANCE);
        r.start();
        nodes.put(id, r);
        machines.put(id, sm);
        ports.put(id, ((GrpcTransport) r.transport()).port());
        for (Map.Entry<Long, RaftRuntime> e : nodes.entrySet()) {
            if (e.getKey() != id) {
                ((GrpcTransport) r.transport()).addPeer(e.getKey(), "127.0.0.1", ports.get(e.getKey()));
                ((GrpcTransport) e.getValue().transport()).addPeer(id, "127.0.0.1", ports.get(id));
            }
        }
    }

    private void awaitConnected() {
        await(30, () -> nodes.values().stream().allMatch(n ->
                n.transport().stats().peers().size() == nodes.size() - 1
                        && n.transport().stats().unreachablePeers().isEmpty()), "every node connected to its peers");
    }

    Path dir() {
        return dir;
    }

    RaftRuntime node(long id) {
        return nodes.get(id);
    }

    BenchMachine machine(long id) {
        return machines.get(id);
    }

    List<RaftRuntime> nodes() {
        return new ArrayList<>(nodes.values());
    }

    /** Creates groups {@code first..first+count-1} on every node, {@code inFlightMax} creations at a time. */
    void createGroups(long first, int count, int inFlightMax) {
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (long g = first; g < first + count; g++) {
            for (RaftRuntime n : nodes.values()) {
                window.add(n.createGroup(g, voters));
            }
            if (window.size() >= inFlightMax) {
                window.forEach(f -> get(f, 60));
                window.clear();
            }
        }
        window.forEach(f -> get(f, 60));
    }

    /** The node leading {@code groupId}, or 0. */
    long leaderOf(long groupId) {
        for (RaftRuntime n : nodes.values()) {
            GroupStatus s = get(n.status(groupId), 10);
            if (s.isLeader()) {
                return s.nodeId();
            }
        }
        return 0;
    }

    /** Waits until every group in {@code first..first+count-1} has a leader. */
    void awaitLeaders(long first, int count, int seconds) {
        List<Long> pending = new ArrayList<>();
        for (long g = first; g < first + count; g++) {
            pending.add(g);
        }
        await(seconds, () -> {
            pending.removeIf(g -> leaderOf(g) != 0);
            return pending.isEmpty();
        }, "a leader for every group (" + count + ")");
    }

    /** Proposes through the leader until one proposal commits (retrying on NOT_LEADER); returns the leader. */
    long proposeOnce(long groupId, byte[] data, int seconds) {
        long[] leader = {0};
        await(seconds, () -> {
            long l = leaderOf(groupId);
            if (l == 0) {
                return false;
            }
            try {
                nodes.get(l).propose(groupId, data).get(5, TimeUnit.SECONDS);
                leader[0] = l;
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NotLeaderException) {
                    return false;
                }
                throw new IllegalStateException("proposal to group " + groupId + " failed", e.getCause());
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, "a committed proposal in group " + groupId);
        return leader[0];
    }

    static <T> T get(CompletableFuture<T> f, int seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} every 2 ms for at most {@code seconds}; throws naming {@code what}. */
    static void await(int seconds, BooleanSupplier condition, String what) {
        long deadline = SystemClock.INSTANCE.nowNs() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (SystemClock.INSTANCE.nowNs() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s: " + what);
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }

    /** Closes node {@code id} abruptly (transport first, as a crash would close its sockets). */
    void stop(long id) throws IOException {
        RaftRuntime r = nodes.remove(id);
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void close() {
        for (long id : new ArrayList<>(nodes.keySet())) {
            try {
                stop(id);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }
}
