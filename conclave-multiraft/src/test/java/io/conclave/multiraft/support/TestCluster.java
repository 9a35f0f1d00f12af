package io.conclave.multiraft.support;

import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.RealDisk;
import io.conclave.storage.disk.SimDisk;
import io.conclave.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runtimes of several nodes in one JVM over a {@link LoopbackNetwork}, each with its own disk. */
public final class TestCluster implements AutoCloseable {

    /** Makes node {@code nodeId}'s transport once its incarnation is known. */
    @FunctionalInterface
    public interface TransportMaker {
        Transport make(long nodeId, long incarnation);
    }

    public final LoopbackNetwork network = new LoopbackNetwork();
    private final TransportMaker transports;
    private final Function<Long, RuntimeConfig> configs;
    private final Map<Long, Disk> disks = new HashMap<>();
    private final Map<Long, RaftRuntime> running = new TreeMap<>();
    private final Map<Long, TestStateMachine> machines = new HashMap<>();
    private final Path dir;

    /** With {@code dir} null every node gets a SimDisk; otherwise a RealDisk under dir/n{id}. */
    public TestCluster(Path dir, Function<Long, RuntimeConfig> configs) {
        this.dir = dir;
        this.configs = configs;
        this.transports = (id, incarnation) -> network.endpoint(id);
    }

    /** A cluster over the transports {@code maker} makes (for example gRPC on 127.0.0.1). */
    public TestCluster(Path dir, Function<Long, RuntimeConfig> configs, TransportMaker maker) {
        this.dir = dir;
        this.configs = configs;
        this.transports = maker;
    }

    public static RuntimeConfig.Builder fastConfig() {
        return RuntimeConfig.builder().loopCount(2).tickIntervalNs(10_000_000L).electionTimeoutTicks(20)
                .heartbeatIntervalTicks(5);
    }

    public RaftRuntime start(long id) {
        try {
            Disk disk = disks.get(id);
            if (disk == null) {
                disk = dir == null ? new SimDisk(id) : new RealDisk(dir.resolve("n" + id));
                disks.put(id, disk);
            }
            TestStateMachine sm = new TestStateMachine();
            machines.put(id, sm);
            RaftRuntime r = new RaftRuntime(id, configs.apply(id), disk, "data",
                    incarnation -> transports.make(id, incarnation), sm, SystemClock.INSTANCE);
            r.start();
            running.put(id, r);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop(long id) {
        RaftRuntime r = running.remove(id);
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Disk disk(long id) {
        return disks.get(id);
    }

    public void replaceDisk(long id, Disk d) {
        disks.put(id, d);
    }

    public RaftRuntime node(long id) {
        return running.get(id);
    }

    public TestStateMachine machine(long id) {
        return machines.get(id);
    }

    public Collection<RaftRuntime> nodes() {
        return running.values();
    }

    public void createGroup(long groupId, Set<Long> voters) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (long v : voters) {
            fs.add(running.get(v).createGroup(groupId, voters));
        }
        fs.forEach(f -> get(f));
    }

    public static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    public GroupStatus status(long node, long groupId) {
        return get(running.get(node).status(groupId));
    }

    /** The leader that running nodes agree on (a running replica that is leader), or 0. */
    public long leaderOf(long groupId) {
        return leaderOf(groupId, running.keySet());
    }

    /** A running replica among {@code nodes} that is leader, or 0. */
    public long leaderOf(long groupId, Collection<Long> nodes) {
        for (long id : new ArrayList<>(nodes)) {
            RaftRuntime r = running.get(id);
            if (r == null) {
                continue;
            }
            GroupStatus s;
            try {
                s = r.status(groupId).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                continue; // not hosted there
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError(e);
            }
            if (s.isLeader()) {
                return s.nodeId();
            }
        }
        return 0;
    }

    /** Waits until every group has a running leader; returns the time it took. */
    public Duration awaitLeaders(Collection<Long> groupIds, Duration bound) {
        List<Long> pending = new ArrayList<>(groupIds);
        return Await.until(bound, () -> {
            pending.removeIf(g -> leaderOf(g) != 0);
            return pending.isEmpty();
        }, () -> pending.size() + " groups without a leader, e.g. " + pending.subList(0, Math.min(5, pending.size()))
                + "; statuses of the first: " + describe(pending.get(0)));
    }

    /** Proposes through whichever node leads, retrying on NOT_LEADER; returns the applied index. */
    public long propose(long groupId, String value, Duration bound) {
        return propose(groupId, value, bound, running.keySet());
    }

    /** Proposes through whichever of {@code via} leads, retrying on NOT_LEADER; returns the applied index. */
    public long propose(long groupId, String value, Duration bound, Collection<Long> via) {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        return atLeader(groupId, bound, via, r -> r.propose(groupId, data),
                () -> "proposal of '" + value + "' to group " + groupId);
    }

    /** As {@link #atLeader(long, Duration, Collection, Function, Supplier)} through any running node. */
    public long atLeader(long groupId, Duration bound, Function<RaftRuntime, CompletableFuture<Long>> request,
                         Supplier<String> what) {
        return atLeader(groupId, bound, running.keySet(), request, what);
    }

    /**
     * Sends {@code request} to whichever of {@code via} leads {@code groupId}, retrying on NOT_LEADER
     * (and on a leader that does not answer within 5 s) until {@code bound}; returns its index.
     */
    public long atLeader(long groupId, Duration bound, Collection<Long> via,
                         Function<RaftRuntime, CompletableFuture<Long>> request, Supplier<String> what) {
        long[] index = {0};
        Await.until(bound, () -> {
            long leader = leaderOf(groupId, via);
            if (leader == 0) {
                return false;
            }
            try {
                index[0] = request.apply(running.get(leader)).get(5, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NotLeaderException) {
                    return false;
                }
                throw new AssertionError(e);
            } catch (InterruptedException | TimeoutException e) {
                return false;
            }
        }, what);
        return index[0];
    }

    /** Every running replica's status of the group, for failure messages. */
    public String describe(long groupId) {
        StringBuilder sb = new StringBuilder();
        for (RaftRuntime r : running.values()) {
            try {
                sb.append("\n  ").append(r.status(groupId).get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                sb.append("\n  node ").append(r.nodeId()).append(": ").append(e.getMessage());
            }
            sb.append("\n  stats ").append(r.stats());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (long id : new ArrayList<>(running.keySet())) {
            stop(id);
        }
    }
}
