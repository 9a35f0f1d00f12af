package io.conclave.multiraft.node;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.LivenessMonitor;
import io.conclave.multiraft.liveness.LivenessStats;
import io.conclave.multiraft.loop.AgentThread;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.loop.LoopStats;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.NodeMeta;
import io.conclave.multiraft.replica.Replica;
import io.conclave.multiraft.time.Clock;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.ReadMode;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageEngine;
import io.conclave.storage.wal.WalReader;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One node's Multi-Raft runtime: the storage engine of its data directory, {@code loopCount}
 * event loops (each with an applier thread), node-level liveness on loop 0, and the transport's
 * inbound handler. Lifecycle: construct, {@link #start()}, use, {@link #close()} (not restartable:
 * build a new one on the same directory; it takes the next incarnation).
 */
public final class RaftRuntime implements AutoCloseable {

    private final long nodeId;
    private final RuntimeConfig config;
    private final Disk disk;
    private final String root;
    private final LongFunction<Transport> transportFactory;
    private Transport transport;
    private final StateMachine stateMachine;
    private final Clock clock;
    private NodeMeta meta;
    private StorageEngine engine;
    private EventLoop[] loops;
    private Applier[] appliers;
    private final List<AgentThread> threads = new ArrayList<>();
    private LivenessMonitor liveness;
    private final LeaderTable leaders = new LeaderTable();
    private final java.util.List<LivenessListener> livenessListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean closed;

    /** A runtime over an existing transport (one that does not need to know the incarnation). */
    public RaftRuntime(long nodeId, RuntimeConfig config, Disk disk, String root, Transport transport,
                       StateMachine stateMachine, Clock clock) {
        this(nodeId, config, disk, root, incarnation -> transport, stateMachine, clock);
    }

    /**
     * A runtime whose transport is made at {@link #start()}, once the node's new incarnation is known
     * (a gRPC transport announces it in its handshakes).
     */
    public RaftRuntime(long nodeId, RuntimeConfig config, Disk disk, String root,
                       LongFunction<Transport> transportFactory, StateMachine stateMachine, Clock clock) {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be > 0: " + nodeId);
        }
        this.nodeId = nodeId;
        this.config = config.validate();
        this.disk = disk;
        this.root = DiskPaths.check(root);
        this.transportFactory = transportFactory;
        this.stateMachine = stateMachine;
        this.clock = clock;
    }

    /** Opens storage (recovering every group found), starts the loops, appliers and liveness. */
    public synchronized RaftRuntime start() throws IOException {
        if (started) {
            throw new IllegalStateException("runtime of node " + nodeId + " already started");
        }
        meta = NodeMeta.startNewIncarnation(disk, root);
        transport = transportFactory.apply(meta.incarnation());
        if (transport.localNode() != nodeId) {
            throw new IllegalArgumentException("transport is node " + transport.localNode() + "'s, not " + nodeId + "'s");
        }
        engine = StorageEngine.open(disk, DiskPaths.join(root, "storage"), config.storage(), clock::nowMs);
        long now = clock.nowNs();
        loops = new EventLoop[config.loopCount()];
        appliers = new Applier[config.loopCount()];
        for (int i = 0; i < loops.length; i++) {
            appliers[i] = new Applier(stateMachine, config.applyQueueCapacity(), config.snapshotEntries(),
                    config.snapshotBytes(), config.itemsPerWorkMax());
            loops[i] = new EventLoop(i, config, transport, appliers[i], now);
        }
        liveness = new LivenessMonitor(nodeId, meta.incarnation(), config.liveness(), transport, transport::peers,
                new Failover());
        loops[0].attachLiveness(liveness);
        recoverGroups();
        transport.setInboundHandler(new Inbound());
        engine.startRunner();
        for (int i = 0; i < loops.length; i++) {
            AgentThread lt = new AgentThread("n" + nodeId + "-loop-" + i, loops[i], clock, config.timerResolutionNs());
            AgentThread at = new AgentThread("n" + nodeId + "-apply-" + i, appliers[i], clock, 10_000_000L);
            loops[i].setWaker(lt::wake);
            appliers[i].setWaker(at::wake);
            threads.add(lt.start());
            threads.add(at.start());
        }
        started = true;
        return this;
    }

    /** Groups whose replica may have lost unsynced data in a crash (see docs/multiraft.md). */
    private Set<Long> groupsWithPossibleLoss() {
        Set<Long> suspect = new TreeSet<>();
        WalReader.Report report = engine.recoveryReport();
        boolean tornTail = report != null && report.cutBytes > 0;
        for (long gid : engine.groupIds()) {
            GroupLog g = engine.group(gid);
            if (g.needsSnapshot() || (report != null && report.groupsAfterCorruption.contains(gid))
                    || (tornTail && config.rejoinAfterTornTail())) {
                suspect.add(gid);
            }
        }
        return suspect;
    }

    private void recoverGroups() throws IOException {
        Set<Long> rejoin = groupsWithPossibleLoss();
        meta.addRejoining(rejoin);
        Set<Long> rejoining = meta.rejoining();
        for (long gid : engine.groupIds()) {
            GroupLog g = engine.group(gid);
            loopOf(gid).addReplica(newReplica(gid, g, rejoining.contains(gid)));
        }
    }

    private Replica newReplica(long gid, GroupLog g, boolean rejoining) {
        Replica r = new Replica(loopOf(gid), nodeId, meta.incarnation(), g, rejoining, this::onRejoined);
        r.setLeaderListener(leaders::record);
        return r;
    }

    private void onRejoined(long groupId) {
        try {
            meta.removeRejoining(groupId);
        } catch (IOException e) {
            throw new UncheckedIOException("recording that group " + groupId + " finished rejoining", e);
        }
    }

    private EventLoop loopOf(long groupId) {
        long h = groupId * 0x9E3779B97F4A7C15L;
        return loops[(int) Math.floorMod(h ^ (h >>> 32), (long) loops.length)];
    }

    /** On the transport's threads: messages go to their loops' queues, pings to the liveness queue. */
    private final class Inbound implements InboundHandler {
        @Override
        public void onMessages(long fromNode, List<Envelope> messages) {
            for (Envelope e : messages) {
                loopOf(e.groupId()).offerMessage(e.groupId(), e.message());
            }
        }

        @Override
        public void onLiveness(long fromNode, Liveness signal) {
            liveness.recordPing(fromNode, signal.incarnation(), clock.nowNs());
        }
    }

    // ================================ groups ================================

    /**
     * Creates this node's replica of a group whose genesis membership is {@code voters} (a replica
     * joining an existing group gets the same genesis voters: membership is the log's changes applied
     * on top of it). When this node is the lowest genesis voter it campaigns at once; a node outside
     * {@code voters} waits for a leader to add it and send it the log or a snapshot.
     */
    public CompletableFuture<Void> createGroup(long groupId, Set<Long> voters) {
        return createGroup(groupId, voters, voters.stream().min(Long::compare).orElse(0L));
    }

    /**
     * As {@link #createGroup(long, Set)}, with {@code bootstrapper} (one of {@code voters}) as the
     * genesis voter that campaigns at once — a partition's preferred leader, so that the leaders of
     * new partitions spread as placement balanced them instead of all landing on the lowest id.
     */
    public CompletableFuture<Void> createGroup(long groupId, Set<Long> voters, long bootstrapper) {
        checkRunning();
        CompletableFuture<Void> f = new CompletableFuture<>();
        GroupLog g;
        try {
            long[] ids = voters.stream().mapToLong(Long::longValue).toArray();
            g = engine.createGroup(groupId, ConfState.ofVoters(ids));
        } catch (IOException | IllegalStateException e) {
            f.completeExceptionally(e);
            return f;
        }
        boolean bootstrapCampaign = voters.contains(nodeId) && nodeId == bootstrapper;
        EventLoop loop = loopOf(groupId);
        Replica r = newReplica(groupId, g, false);
        if (!loop.offerTask(() -> {
            loop.addReplica(r);
            if (bootstrapCampaign) {
                r.scheduleCampaign(0, config.timerResolutionNs());
            }
            f.complete(null);
        })) {
            f.completeExceptionally(new BackPressureException("loop " + loop.index() + " task queue is full"));
        }
        return f;
    }

    /** Proposes {@code data}; completes with its log index once applied here, or fails (NOT_LEADER, BACK_PRESSURE, ...). */
    public CompletableFuture<Long> propose(long groupId, byte[] data) {
        return onReplica(groupId, (r, f) -> r.propose(data, f));
    }

    /**
     * Proposes {@code data} and completes with its log index as soon as the leader has appended it,
     * before it is replicated or durable (EVENTUAL writes); the entry may still be lost with the leader.
     */
    public CompletableFuture<Long> proposeAppended(long groupId, byte[] data) {
        return onReplica(groupId, (r, f) -> r.proposeAppended(data, f));
    }

    /** A read barrier; completes with the read index once the state machine here has applied up to it. */
    public CompletableFuture<Long> read(long groupId, ReadMode mode) {
        return onReplica(groupId, (r, f) -> r.read(mode, f));
    }

    /** Proposes a membership change; completes with its index once applied here. */
    public CompletableFuture<Long> changeMembership(long groupId, ConfChange change) {
        return onReplica(groupId, (r, f) -> r.changeMembership(change, f));
    }

    /** Asks the leader (this replica, or the one it knows) to hand leadership to {@code toNode}. */
    public CompletableFuture<Long> transferLeadership(long groupId, long toNode) {
        return onReplica(groupId, (r, f) -> {
            r.transferLeadership(toNode);
            f.complete(0L);
        });
    }

    public CompletableFuture<GroupStatus> status(long groupId) {
        CompletableFuture<GroupStatus> out = new CompletableFuture<>();
        onReplica(groupId, (r, f) -> out.complete(r.status())).whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /** The core's status of this node's replica (per-peer progress when it leads). */
    public CompletableFuture<RaftStatus> raftStatus(long groupId) {
        CompletableFuture<RaftStatus> out = new CompletableFuture<>();
        onReplica(groupId, (r, f) -> out.complete(r.raft().status())).whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /**
     * The leader of {@code groupId} as this node last learned it, without a trip to the loop:
     * {@link LeaderTable.Leader#NONE} when unknown or the group is not hosted here.
     */
    public LeaderTable.Leader leaderOf(long groupId) {
        return leaders.get(groupId);
    }

    /** Whether this node hosts a replica of {@code groupId} (its storage has the group). */
    public boolean hostsGroup(long groupId) {
        checkRunning();
        return engine.groupIds().contains(groupId);
    }

    private interface ReplicaAction {
        void run(Replica r, CompletableFuture<Long> f);
    }

    private CompletableFuture<Long> onReplica(long groupId, ReplicaAction action) {
        checkRunning();
        CompletableFuture<Long> f = new CompletableFuture<>();
        EventLoop loop = loopOf(groupId);
        boolean queued = loop.offerTask(() -> {
            Replica r = loop.replica(groupId);
            if (r == null) {
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.UNKNOWN_GROUP,
                        "group " + groupId + " is not hosted on node " + nodeId));
            } else if (r.isBroken()) {
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.CLOSED,
                        "the replica of group " + groupId + " on node " + nodeId + " is stopped after a storage failure"));
            } else {
                action.run(r, f);
            }
        });
        if (!queued) {
            f.completeExceptionally(new BackPressureException("loop " + loop.index() + " of node " + nodeId
                    + " has " + config.taskQueueCapacity() + " tasks queued"));
        }
        return f;
    }

    // ================================ observation ================================

    public long nodeId() {
        return nodeId;
    }

    public long incarnation() {
        return meta.incarnation();
    }

    public Set<Long> rejoiningGroups() {
        return meta.rejoining();
    }

    public Transport transport() {
        return transport;
    }

    public StorageEngine storage() {
        return engine;
    }

    public RuntimeStats stats() {
        LoopStats ls = LoopStats.ZERO;
        long applied = 0;
        long taken = 0;
        long restored = 0;
        for (int i = 0; i < loops.length; i++) {
            ls = ls.plus(loops[i].stats());
            applied += appliers[i].entriesApplied();
            taken += appliers[i].snapshotsTaken();
            restored += appliers[i].snapshotsRestored();
        }
        return new RuntimeStats(ls, liveness.stats(), applied, taken, restored);
    }

    public LivenessStats livenessStats() {
        return liveness.stats();
    }

    /** The first error that stopped one of the runtime's threads, or null. */
    public Throwable failure() {
        for (AgentThread t : threads) {
            if (t.failure() != null) {
                return t.failure();
            }
        }
        return null;
    }

    private void checkRunning() {
        if (!started || closed) {
            throw new IllegalStateException("runtime of node " + nodeId + (closed ? " is closed" : " is not started"));
        }
    }

    /** Stops the transport, the loops and appliers, fails what is pending, then closes storage. */
    @Override
    public synchronized void close() throws IOException {
        if (closed || !started) {
            closed = true;
            return;
        }
        closed = true;
        transport.close();
        for (AgentThread t : threads) {
            t.close();
        }
        for (EventLoop l : loops) {
            l.forEachReplica(Replica::close);
        }
        engine.close();
    }

    /** Suspicions start failover on every loop: each follower of a group the peer led campaigns soon. */
    private final class Failover implements LivenessListener {
        @Override
        public void onSuspected(long peer, long nowNs) {
            forEachLoop(l -> l.postCompletion(() -> l.forEachReplica(r -> r.onPeerSuspected(peer))));
            for (LivenessListener l : livenessListeners) {
                l.onSuspected(peer, nowNs);
            }
        }

        @Override
        public void onRecovered(long peer, long nowNs) {
            // campaigns stop by themselves once a leader is known; a late message from the peer may
            // make it a leader again from now on
            forEachLoop(l -> l.postCompletion(() -> l.forEachReplica(r -> r.onPeerRecovered(peer))));
            for (LivenessListener l : livenessListeners) {
                l.onRecovered(peer, nowNs);
            }
        }
    }

    /**
     * Also tells {@code listener} of every suspicion and recovery (on loop 0's thread: it must only
     * record or hand off). For operations: a log line per event, counters.
     */
    public void addLivenessListener(LivenessListener listener) {
        livenessListeners.add(listener);
    }

    private void forEachLoop(Consumer<EventLoop> action) {
        for (EventLoop l : loops) {
            action.accept(l);
        }
    }
}
