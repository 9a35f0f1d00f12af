package io.conclave.multiraft.replica;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.multiraft.support.TestStateMachine;
import io.conclave.multiraft.time.ManualClock;
import io.conclave.raft.ConfState;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.EngineConfig;
import io.conclave.storage.engine.StorageEngine;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.Transport;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Nodes 1..n, each one event loop, one applier and one storage engine, all stepped by hand on the
 * test thread with a manual clock over a loopback network; each hosts a replica of one group whose
 * genesis voters are all of them (or the genesis membership a test gives). No thread, no wall clock.
 */
final class HandDrivenNodes implements AutoCloseable {

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final LoopbackNetwork net = new LoopbackNetwork();
    private final StorageEngine[] engines;
    private final EventLoop[] loops;
    private final Applier[] appliers;
    private final Replica[] replicas;
    private final SimDisk[] disks;

    private final long groupId;
    private final RuntimeConfig config;
    private final ConfState genesis;
    private final long[] incarnations;

    /** Three nodes of group {@code groupId}, one loop each, whose groups never rest (the usual setup). */
    static HandDrivenNodes threeAwake(long groupId) throws IOException {
        return new HandDrivenNodes(3, groupId, TestCluster.fastConfig().loopCount(1).quiesceIdleTicks(0).build());
    }

    HandDrivenNodes(int n, long groupId, RuntimeConfig config) throws IOException {
        this(n, groupId, config, null);
    }

    /** Nodes 1..n whose group starts from {@code genesis} (null: every node a voter). */
    HandDrivenNodes(int n, long groupId, RuntimeConfig config, ConfState genesis) throws IOException {
        this.groupId = groupId;
        this.config = config;
        engines = new StorageEngine[n + 1];
        loops = new EventLoop[n + 1];
        appliers = new Applier[n + 1];
        replicas = new Replica[n + 1];
        disks = new SimDisk[n + 1];
        incarnations = new long[n + 1];
        long[] voters = new long[n];
        for (int i = 0; i < n; i++) {
            voters[i] = i + 1;
        }
        this.genesis = genesis != null ? genesis : ConfState.ofVoters(voters);
        for (int id = 1; id <= n; id++) {
            incarnations[id] = 1;
            start(id, new SimDisk(id), false);
        }
    }

    /** Node {@code id} on {@code disk}: a fresh engine, loop and applier, and its replica of the group. */
    private void start(int id, SimDisk disk, boolean rejoining) throws IOException {
        start(id, disk, rejoining, false);
    }

    private void start(int id, SimDisk disk, boolean rejoining, boolean reopen) throws IOException {
        disks[id] = disk;
        engines[id] = StorageEngine.open(disk, "s", EngineConfig.defaults(), clock::nowMs);
        appliers[id] = new Applier(new TestStateMachine(), 16, Math.min(1_000, config.snapshotEntries()), 1 << 20, 64);
        Transport t = net.endpoint(id);
        EventLoop loop = new EventLoop(0, config, t, appliers[id], clock.nowNs());
        loops[id] = loop;
        t.setInboundHandler(new InboundHandler() {
            @Override
            public void onMessages(long fromNode, List<Envelope> messages) {
                messages.forEach(e -> loop.offerMessage(e.groupId(), e.message()));
            }

            @Override
            public void onLiveness(long fromNode, Liveness signal) {
            }
        });
        replicas[id] = new Replica(loop, id, incarnations[id],
                reopen ? engines[id].group(groupId) : engines[id].createGroup(groupId, genesis), rejoining, g -> { });
        loop.addReplica(replicas[id]); // the test thread is every loop's thread
    }

    /**
     * Node {@code id} loses its disk and starts again on an empty one, under the same id and (its node
     * record gone with the disk) the same incarnation: its replica starts from the genesis membership
     * and rejoins. Nothing tells the other nodes (no liveness here).
     */
    void wipe(int id) throws IOException {
        net.endpoint(id).close();
        start(id, new SimDisk(1_000 + id), true);
    }

    /**
     * Node {@code id} loses its disk and starts again on an empty one as a new incarnation (as a node's
     * record, lost with the disk, restarts at the wall clock's milliseconds): its replica starts from the
     * genesis membership and rejoins.
     */
    void wipeAsNewIncarnation(int id) throws IOException {
        net.endpoint(id).close();
        incarnations[id]++;
        start(id, new SimDisk(1_000 * incarnations[id] + id), true);
    }

    /**
     * Node {@code id} crashes (what its disk had not synced is lost) and starts again on that disk as a
     * new incarnation, its replica rejoining (as when a rejoin was under way: {@code node.meta} still
     * lists the group).
     */
    void crashAndRestartRejoining(int id) throws IOException {
        net.endpoint(id).close();
        engines[id].close();
        incarnations[id]++;
        start(id, disks[id].crash(), true, true);
    }

    /** Node {@code id}'s disk (a test fills it to make writes fail). */
    SimDisk disk(int id) {
        return disks[id];
    }

    /** Node 1 campaigns at once; every node is stepped until it leads. Returns its replica. */
    Replica electNodeOne() {
        Replica one = replicas[1];
        one.scheduleCampaign(0, 1_000_000L);
        driveUntil(() -> one.status().isLeader(), 200, 1,
                java.util.stream.IntStream.rangeClosed(1, replicas.length - 1).toArray());
        return one;
    }

    Replica replica(int id) {
        return replicas[id];
    }

    EventLoop loop(int id) {
        return loops[id];
    }

    /** One round of the given nodes: loops, storage, appliers, loops again. */
    void step(int... nodes) {
        for (int n : nodes) {
            loops[n].doWork(clock.nowNs());
        }
        for (int n : nodes) {
            engines[n].doWork();
            appliers[n].doWork(clock.nowNs());
        }
        for (int n : nodes) {
            loops[n].doWork(clock.nowNs());
        }
    }

    /** Node {@code id}'s event loop alone, once. */
    void stepLoop(int id) {
        loops[id].doWork(clock.nowNs());
    }

    /** Node {@code id}'s storage alone (its WAL writes become durable), once. */
    void stepStorage(int id) {
        engines[id].doWork();
    }

    /** Node {@code id}'s applier alone, once. */
    void stepApplier(int id) {
        appliers[id].doWork(clock.nowNs());
    }

    /** Steps the given nodes, {@code msPerStep} apart, until {@code done}; fails after {@code stepsMax}. */
    void driveUntil(BooleanSupplier done, int stepsMax, long msPerStep, int... nodes) {
        for (int i = 0; i < stepsMax; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            clock.advanceMs(msPerStep);
            step(nodes);
        }
        StringBuilder sb = new StringBuilder("not done within " + stepsMax + " steps of " + msPerStep + " ms:");
        for (int n : nodes) {
            sb.append("\n  ").append(replicas[n].status());
        }
        throw new AssertionError(sb.toString());
    }

    @Override
    public void close() throws IOException {
        for (int id = 1; id < engines.length; id++) {
            engines[id].close();
        }
    }
}
