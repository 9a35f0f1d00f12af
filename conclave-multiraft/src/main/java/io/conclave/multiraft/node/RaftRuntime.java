package io.conclave.multiraft.node;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.LivenessMonitor;
import io.conclave.multiraft.liveness.LivenessStats;
import io.conclave.multiraft.liveness.PeerSilence;
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
import io.conclave.transport.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
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
    private NodeAssembly assembly;
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

    /**
     * Opens storage (recovering every group found) and starts the loops, appliers and liveness: the
     * pieces {@link NodeAssembly} builds, each given a thread here.
     */
    public synchronized RaftRuntime start() throws IOException {
        if (started) {
            throw new IllegalStateException("runtime of node " + nodeId + " already started");
        }
        assembly = NodeAssembly.open(nodeId, config, disk, root, transportFactory, stateMachine, clock, leaders,
                new Observers());
        meta = assembly.meta();
        transport = assembly.transport();
        engine = assembly.engine();
        loops = assembly.loops().toArray(EventLoop[]::new);
        appliers = assembly.appliers().toArray(Applier[]::new);
        liveness = assembly.liveness();
        assembly.recoverGroups(Map.of());
        engine.startRunner();
        for (int i = 0; i < loops.length; i++) {
            AgentThread lt = new AgentThread("n" + nodeId + "-loop-" + i, loops[i], clock, config.timerResolutionNs());
            AgentThread at = new AgentThread("n" + nodeId + "-apply-" + i, appliers[i], clock, 10_000_000L);
            loops[i].setWaker(lt::wake);
            loops[i].setHelper(lt::runHere);
            appliers[i].setWaker(at::wake);
            threads.add(lt.start());
            threads.add(at.start());
        }
        started = true;
        return this;
    }

    private Replica newReplica(long gid, GroupLog g, boolean rejoining) {
        return assembly.newReplica(gid, g, rejoining);
    }

    private EventLoop loopOf(long groupId) {
        return assembly.loopOf(groupId);
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

    /**
     * Creates this node's replica of a group that has history this node's storage lost (its data
     * directory was replaced or wiped): as {@link #createGroup(long, Set)}, but the replica rejoins
     * (docs/multiraft.md) — it never votes nor campaigns, asks to be demoted to a learner, catches up
     * and is promoted back. The group is recorded rejoining in {@code node.meta} (durably) before it is
     * created, so a start that fails in between finds the mark with the group (the order
     * {@link NodeAssembly#recoverGroups} keeps for the same reason).
     */
    public CompletableFuture<Void> createRejoiningGroup(long groupId, Set<Long> voters) {
        checkRunning();
        CompletableFuture<Void> f = new CompletableFuture<>();
        GroupLog g;
        try {
            meta.addRejoining(Set.of(groupId));
            long[] ids = voters.stream().mapToLong(Long::longValue).toArray();
            g = engine.createGroup(groupId, ConfState.ofVoters(ids));
        } catch (IOException | IllegalStateException e) {
            f.completeExceptionally(e);
            return f;
        }
        EventLoop loop = loopOf(groupId);
        Replica r = newReplica(groupId, g, true);
        if (!loop.offerTask(() -> {
            loop.addReplica(r);
            f.complete(null);
        })) {
            f.completeExceptionally(new BackPressureException("loop " + loop.index() + " task queue is full"));
        }
        return f;
    }

    /**
     * Destroys this node's replica of a group: on its loop the replica stops (its timers and campaign
     * are cancelled, its pending proposals, reads and membership changes fail with
     * {@code RequestFailedException(CLOSED)}, later requests with {@code UNKNOWN_GROUP}), its leader
     * entry is dropped, the state machine {@link StateMachine#forget forgets} the group once the
     * applier has run what it was handed, and the storage deletes the group durably
     * ({@link StorageEngine#deleteGroup}). Messages for the group arriving afterwards are dropped
     * (counted as {@code messagesUnknownGroup}); they never recreate it, nor does a restart. The
     * future completes once all of that is done; then {@link #hostsGroup} is false and the id may be
     * created again (as a new, empty replica).
     *
     * <p>Before anything else the destruction is recorded, durably, in the data directory's
     * {@code node.meta} ({@link #destroyedGroups}); when that write fails nothing is destroyed.
     *
     * <p>Destroying a replica that is still a voter of its group takes a vote away from it: the
     * caller removes it from the membership first (or the whole group goes, as for a deleted topic).
     */
    public CompletableFuture<Void> destroyGroup(long groupId) {
        checkRunning();
        return assembly.destroyGroup(groupId);
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

    /**
     * From now on this node takes no leadership handed to it (its replicas drop TimeoutNow): a
     * stopping node hands its leaderships away, and a peer's preferred-leader hand-off must not give
     * them back before it has gone. It can still win an ordinary election. Any thread.
     */
    public void refuseHandedLeadership() {
        for (EventLoop l : loops) {
            l.refuseHandedLeadership();
        }
    }

    /** Asks the leader (this replica, or the one it knows) to hand leadership to {@code toNode}. */
    public CompletableFuture<Long> transferLeadership(long groupId, long toNode) {
        return onReplica(groupId, (r, f) -> {
            r.transferLeadership(toNode);
            f.complete(0L);
        });
    }

    public CompletableFuture<GroupStatus> status(long groupId) {
        return readReplica(groupId, Replica::status);
    }

    /** The core's status of this node's replica (per-peer progress when it leads). */
    public CompletableFuture<RaftStatus> raftStatus(long groupId) {
        return readReplica(groupId, r -> r.raft().status());
    }

    /**
     * This node's replica's status and its core's, from one turn of its loop (so that, say, a leader's
     * progress and its durable commit index describe the same moment).
     */
    public CompletableFuture<GroupStatus.WithProgress> statusWithProgress(long groupId) {
        return readReplica(groupId, r -> new GroupStatus.WithProgress(r.status(), r.raft().status()));
    }

    /** What {@code read} answers of this node's replica, on its loop; failed when the group is not hosted. */
    private <T> CompletableFuture<T> readReplica(long groupId, Function<Replica, T> read) {
        CompletableFuture<T> out = new CompletableFuture<>();
        onReplica(groupId, (r, f) -> out.complete(read.apply(r))).whenComplete((v, e) -> {
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

    private CompletableFuture<Long> onReplica(long groupId, NodeAssembly.ReplicaAction action) {
        checkRunning();
        return assembly.onReplica(groupId, action);
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

    /**
     * The groups whose replica this data directory destroyed ({@link #destroyGroup}), durable in
     * {@code node.meta} until {@link #forgetDestroyedGroups}; gone with a wiped directory.
     */
    public Set<Long> destroyedGroups() {
        return meta.destroyed();
    }

    /** Drops the destruction records of {@code groupIds} (groups never to be hosted again), durably. */
    public void forgetDestroyedGroups(Set<Long> groupIds) throws IOException {
        meta.forgetDestroyed(groupIds);
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

    /** Tells the listeners added by {@link #addLivenessListener} of each suspicion and recovery. */
    private final class Observers implements LivenessListener {
        @Override
        public void onSuspected(long peer, long nowNs, PeerSilence silence) {
            for (LivenessListener l : livenessListeners) {
                l.onSuspected(peer, nowNs, silence);
            }
        }

        @Override
        public void onRecovered(long peer, long nowNs, PeerSilence silence) {
            for (LivenessListener l : livenessListeners) {
                l.onRecovered(peer, nowNs, silence);
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
}
