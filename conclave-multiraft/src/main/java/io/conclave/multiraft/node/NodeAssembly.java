package io.conclave.multiraft.node;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.apply.StateMachine;
import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.LivenessMonitor;
import io.conclave.multiraft.liveness.PeerSilence;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.replica.NodeMeta;
import io.conclave.multiraft.replica.Replica;
import io.conclave.multiraft.time.Clock;
import io.conclave.raft.ConfState;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * One incarnation of a node's runtime, assembled but not running: the node's new incarnation
 * ({@link NodeMeta}), the transport made for it, the storage engine of the data directory, {@code
 * loopCount} event loops each with its applier, node liveness on loop 0 whose suspicions and
 * recoveries start failover on every loop, the replicas of the groups recovered from storage, and the
 * transport's inbound handler. It starts no thread and reads no clock but the one it is given:
 * {@link RaftRuntime#start()} gives each loop and applier an {@code AgentThread} and the engine its
 * runners; the simulator calls the same agents' {@code doWork} from its seeded scheduler. One code
 * path for both.
 *
 * <p>Built on the caller's thread ({@link #open}, then {@link #recoverGroups}, before any agent
 * runs); afterwards each loop owns its replicas and {@link #onReplica} may be called from any thread.
 */
public final class NodeAssembly {

    /** A request on this node's replica of a group, run on the loop that owns it. */
    public interface ReplicaAction {
        void run(Replica r, CompletableFuture<Long> f);
    }

    private final long nodeId;
    private final RuntimeConfig config;
    private final Clock clock;
    private final NodeMeta meta;
    private final Transport transport;
    private final StorageEngine engine;
    private final EventLoop[] loops;
    private final Applier[] appliers;
    private final LivenessMonitor liveness;
    private final LeaderTable leaders;
    private final LivenessListener observer;

    private NodeAssembly(long nodeId, RuntimeConfig config, Clock clock, NodeMeta meta, Transport transport,
                         StorageEngine engine, StateMachine stateMachine, LeaderTable leaders,
                         LivenessListener observer) {
        this.nodeId = nodeId;
        this.config = config;
        this.clock = clock;
        this.meta = meta;
        this.transport = transport;
        this.engine = engine;
        this.leaders = leaders;
        this.observer = observer;
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
    }

    /**
     * Starts a new incarnation of node {@code nodeId} on the data directory {@code root} of {@code disk}:
     * raises the incarnation, makes the transport for it ({@code transportFactory}), opens the storage
     * engine (replaying its WAL) and builds the loops, appliers and liveness. No replica yet, no inbound
     * handler: {@link #recoverGroups} adds them.
     *
     * @param leaders the table each replica reports its leader changes to
     * @param observer told of every suspicion and recovery after failover has been started (on loop 0)
     */
    public static NodeAssembly open(long nodeId, RuntimeConfig config, Disk disk, String root,
                                    LongFunction<Transport> transportFactory, StateMachine stateMachine, Clock clock,
                                    LeaderTable leaders, LivenessListener observer) throws IOException {
        NodeMeta meta = NodeMeta.startNewIncarnation(disk, root, clock.incarnationFloor());
        Transport transport = transportFactory.apply(meta.incarnation());
        if (transport.localNode() != nodeId) {
            throw new IllegalArgumentException("transport is node " + transport.localNode() + "'s, not " + nodeId + "'s");
        }
        StorageEngine engine = StorageEngine.open(disk, DiskPaths.join(root, "storage"), config.storage(), clock::nowMs);
        return new NodeAssembly(nodeId, config, clock, meta, transport, engine, stateMachine, leaders, observer);
    }

    /**
     * Adds a replica of every group the storage holds, then hooks the transport's inbound handler up.
     * A group whose replica may have lost unsynced data in a crash (see docs/multiraft.md) rejoins as a
     * learner first, and so does each of {@code lostGroups}: groups this node hosted whose storage is
     * gone (a wiped or replaced disk), created again here, empty, with the membership given. Returns
     * the groups rejoining.
     *
     * <p>The lost groups are recorded rejoining in {@code node.meta} before they are created: a start
     * that fails in between (an I/O error, a crash) leaves them on the disk, and the next start finds
     * them there, empty, like groups that never had data; only the record still says that they lost
     * theirs. Created first, such a replica voted with an empty log and elected a leader that lacked
     * committed entries (simulator seed 259 of the metadata workload, LostGroupRecreateTest).
     */
    public Set<Long> recoverGroups(Map<Long, ConfState> lostGroups) throws IOException {
        Set<Long> rejoin = groupsWithPossibleLoss();
        rejoin.addAll(lostGroups.keySet());
        meta.addRejoining(rejoin);
        for (Map.Entry<Long, ConfState> lost : lostGroups.entrySet()) {
            engine.createGroup(lost.getKey(), lost.getValue());
        }
        Set<Long> rejoining = meta.rejoining();
        for (long gid : engine.groupIds()) {
            GroupLog g = engine.group(gid);
            loopOf(gid).addReplica(newReplica(gid, g, rejoining.contains(gid)));
        }
        transport.setInboundHandler(new Inbound());
        return rejoining;
    }

    /** Groups whose replica may have lost unsynced data in a crash. */
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

    /** A replica of group {@code gid} over its log {@code g}, for the loop that owns the group (not yet added). */
    public Replica newReplica(long gid, GroupLog g, boolean rejoining) {
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

    /** The loop that owns {@code groupId} (a fixed hash of the id). */
    public EventLoop loopOf(long groupId) {
        long h = groupId * 0x9E3779B97F4A7C15L;
        return loops[(int) Math.floorMod(h ^ (h >>> 32), (long) loops.length)];
    }

    /**
     * Runs {@code action} on this node's replica of {@code groupId}, on its loop; the future fails with
     * {@code UNKNOWN_GROUP} when the group is not hosted here, {@code CLOSED} when the replica stopped
     * after a storage failure, and {@link BackPressureException} when the loop's task queue is full.
     */
    public CompletableFuture<Long> onReplica(long groupId, ReplicaAction action) {
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

    /**
     * Destroys this node's replica of a group (what {@link RaftRuntime#destroyGroup} does, for any host
     * of the assembly): on its loop the replica stops, its leader entry is dropped, the state machine
     * forgets the group once the applier has run what it was handed, and the storage deletes the group
     * durably. The future completes once all of that is done. Any thread that may block on a write:
     * first of all the destruction is recorded in {@code node.meta} ({@link NodeMeta#addDestroyed}, synced),
     * so that whatever a crash leaves of the replica, the directory knows it hosted the group (a replica
     * created again later may have voted before: the server's reconciler creates it rejoining). When that
     * write fails, nothing is destroyed and the future fails.
     */
    public CompletableFuture<Void> destroyGroup(long groupId) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        try {
            meta.addDestroyed(groupId);
        } catch (IOException | RuntimeException e) {
            out.completeExceptionally(e);
            return out;
        }
        EventLoop loop = loopOf(groupId);
        boolean queued = loop.offerTask(() -> {
            Replica r = loop.removeReplica(groupId);
            if (r == null) {
                out.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.UNKNOWN_GROUP,
                        "group " + groupId + " is not hosted on node " + nodeId));
                return;
            }
            r.destroy();
            leaders.forget(groupId);
            CompletableFuture<Void> state = loop.applier().forget(groupId);
            CompletableFuture<Void> storage = engine.deleteGroup(groupId);
            CompletableFuture.allOf(state, storage).whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                    return;
                }
                try {
                    meta.removeRejoining(groupId);
                    out.complete(null);
                } catch (IOException | RuntimeException ex) {
                    out.completeExceptionally(ex);
                }
            });
        });
        if (!queued) {
            out.completeExceptionally(new BackPressureException("loop " + loop.index() + " of node " + nodeId
                    + " has " + config.taskQueueCapacity() + " tasks queued"));
        }
        return out;
    }

    // ================================ the agents and their parts ================================

    /** The event loops, index = loop number; each an agent to run ({@code doWork(nowNs)}). */
    public List<EventLoop> loops() {
        return List.of(loops);
    }

    /** The appliers, one per loop, same order; each an agent to run. */
    public List<Applier> appliers() {
        return List.of(appliers);
    }

    /** The storage engine: its WAL agent and housekeeper are the other two agents (or its own runners). */
    public StorageEngine engine() {
        return engine;
    }

    public NodeMeta meta() {
        return meta;
    }

    public Transport transport() {
        return transport;
    }

    public LivenessMonitor liveness() {
        return liveness;
    }

    /** On the transport's threads: messages go to their loops' queues, pings to the liveness queue. */
    private final class Inbound implements InboundHandler {
        @Override
        public void onMessages(long fromNode, List<Envelope> messages) {
            // Queue the whole frame, then run each loop it touched here, once, if the loop is free: the
            // network thread takes the messages through the loop itself (appended, answered, committed)
            // instead of waking the loop's thread for them (docs/multiraft.md, "Helping").
            boolean[] touched = new boolean[loops.length];
            for (Envelope e : messages) {
                EventLoop l = loopOf(e.groupId());
                l.offerMessageQuietly(e.groupId(), e.message());
                touched[l.index()] = true;
            }
            for (int i = 0; i < loops.length; i++) {
                if (touched[i]) {
                    loops[i].runOrWake();
                }
            }
        }

        @Override
        public void onLiveness(long fromNode, Liveness signal) {
            liveness.recordPing(fromNode, signal.incarnation(), signal.sendTimeNs(), clock.nowNs());
        }
    }

    /**
     * Suspicions start failover on every loop: each follower of a group the peer led campaigns soon. A
     * recovery tells every replica (a leader probes the peer afresh: it may be back with less data).
     */
    private final class Failover implements LivenessListener {
        @Override
        public void onSuspected(long peer, long nowNs, PeerSilence silence) {
            for (EventLoop l : loops) {
                l.postCompletion(() -> l.forEachReplica(r -> r.onPeerSuspected(peer)));
            }
            observer.onSuspected(peer, nowNs, silence);
        }

        @Override
        public void onRecovered(long peer, long nowNs, PeerSilence silence) {
            // campaigns stop by themselves once a leader is known; a late message from the peer may
            // make it a leader again from now on
            for (EventLoop l : loops) {
                l.postCompletion(() -> l.forEachReplica(r -> r.onPeerRecovered(peer)));
            }
            observer.onRecovered(peer, nowNs, silence);
        }
    }
}
