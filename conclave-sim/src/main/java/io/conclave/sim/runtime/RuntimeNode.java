package io.conclave.sim.runtime;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.LivenessMonitor;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.NodeMeta;
import io.conclave.multiraft.replica.Replica;
import io.conclave.raft.ConfState;
import io.conclave.raft.ReadMode;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageEngine;
import io.conclave.storage.wal.WalReader;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One simulated machine running the real node runtime: {@code conclave-storage}'s engine over a
 * {@link SimDisk}, {@code conclave-multiraft}'s event loops, appliers, replicas and liveness monitor,
 * and a {@link SimTransport} — the pieces {@code RaftRuntime.start()} wires, wired the same way but
 * without threads. The scheduler steps them: a periodic step every timer resolution, an immediate
 * one when a packet or a client request arrives, and one when a WAL group commit's fsync completes
 * (the WAL writer runs a batch only a drawn fsync latency after work reached its queue).
 *
 * <p>Crash: the incarnation's objects are dropped without closing anything, and the disk keeps only
 * what it made durable (plus a seeded, possibly torn, prefix of the rest). Restart: a new incarnation
 * opens the storage from that disk, recovers every group found, and rejoins suspect groups as
 * learners, exactly as a real restart does.
 */
final class RuntimeNode {

    static final String ROOT = "node";
    private static final int ROUNDS_PER_STEP_MAX = 64;
    private static final long CLOCK_ORIGIN_NS = 1_000_000_000L;

    private final long id;
    private final Scheduler scheduler;
    private final Trace trace;
    private final Oracle oracle;
    private final RuntimeNetwork network;
    private final Set<Long> peers;
    private final RuntimeConfig config;
    private final boolean dropFsync;
    private final SimRandom random;
    private final long fsyncLatencyNsMean;
    private long fsyncSlowFactor = 1;
    private boolean paused;
    private long clockBaseNs = CLOCK_ORIGIN_NS;
    private long clockSimBaseNs;
    private double clockRate = 1.0;
    private long wallOffsetNs;
    private SimDisk disk;
    private final FaultyDisk.Faults diskFaults;
    private boolean dataPlaneOn;
    private Incarnation inc;
    private long crashes;
    private long wipes;
    private long ioCrashes;
    private long refusedStarts;
    /** Every group this node was given a replica of, with its genesis voters (to recreate it after a wipe). */
    private final TreeMap<Long, Set<Long>> hosted = new TreeMap<>();

    /** The in-memory state of one life of the node; all of it is lost in a crash. */
    final class Incarnation {
        final NodeMeta meta;
        final SimTransport transport;
        final StorageEngine engine;
        final EventLoop[] loops;
        final Applier[] appliers;
        final LivenessMonitor liveness;
        final RegisterMachine machine;
        final DataPlane dataPlane; // null in register mode
        boolean kickPending;
        long walBatchAtNs = -1;
        /** A full disk or read errors were injected during this life: storage may be left needing a reopen. */
        boolean diskFaultSeen;

        Incarnation(NodeMeta meta, SimTransport transport, StorageEngine engine, RegisterMachine machine) {
            this.meta = meta;
            this.transport = transport;
            this.engine = engine;
            this.machine = machine;
            this.dataPlane = dataPlaneOn ? new DataPlane(RuntimeNode.this, oracle) : null;
            io.conclave.multiraft.apply.StateMachine sm = dataPlane == null ? machine : dataPlane.machine();
            long now = clockNs();
            loops = new EventLoop[config.loopCount()];
            appliers = new Applier[config.loopCount()];
            for (int i = 0; i < loops.length; i++) {
                appliers[i] = new Applier(sm, config.applyQueueCapacity(), config.snapshotEntries(),
                        config.snapshotBytes(), config.itemsPerWorkMax());
                loops[i] = new EventLoop(i, config, transport, appliers[i], now);
            }
            liveness = new LivenessMonitor(id, meta.incarnation(), config.liveness(), transport, transport::peers,
                    new Failover(this));
            loops[0].attachLiveness(liveness);
        }

        EventLoop loopOf(long groupId) {
            long h = groupId * 0x9E3779B97F4A7C15L;
            return loops[(int) Math.floorMod(h ^ (h >>> 32), (long) loops.length)];
        }
    }

    RuntimeNode(long id, Scheduler scheduler, Trace trace, Oracle oracle, RuntimeNetwork network, Set<Long> peers,
                RuntimeConfig config, boolean dropFsync, SimRandom random) {
        this.id = id;
        this.scheduler = scheduler;
        this.trace = trace;
        this.oracle = oracle;
        this.network = network;
        this.peers = Set.copyOf(peers);
        this.config = config;
        this.dropFsync = dropFsync;
        this.random = random;
        this.disk = new SimDisk(random.nextLong());
        this.fsyncLatencyNsMean = random.between(50_000, 1_000_000);
        this.diskFaults = new FaultyDisk.Faults(random.child("disk-faults"), false);
    }

    /** The planted bug {@code lying-full-disk}: writes that do not fit are dropped and reported done. */
    private FaultyDisk.Faults plantedFaults;

    void plantLyingFullDisk() {
        plantedFaults = new FaultyDisk.Faults(random.child("lying-disk"), true);
    }

    /** Told when the node started after losing data it may have acknowledged (a wipe, corruption). */
    private java.util.function.LongConsumer dataLossListener = node -> { };

    void onDataLoss(java.util.function.LongConsumer listener) {
        dataLossListener = listener;
    }

    private boolean lostData;

    private FaultyDisk.Faults faults() {
        return plantedFaults != null ? plantedFaults : diskFaults;
    }

    long id() {
        return id;
    }

    boolean isUp() {
        return inc != null;
    }

    long incarnation() {
        return inc == null ? 0 : inc.meta.incarnation();
    }

    long crashes() {
        return crashes;
    }

    long wipes() {
        return wipes;
    }

    /** Crashes of the process on an I/O error from an injected disk fault (a full disk, a read error). */
    long ioCrashes() {
        return ioCrashes;
    }

    /** Starts that failed: the disk was full or unreadable, or recovery refused corrupt data. */
    long refusedStarts() {
        return refusedStarts;
    }

    /** Runs the data plane (partition groups) instead of the register machine from the next start on. */
    void useDataPlane() {
        dataPlaneOn = true;
    }

    /** The current incarnation's data plane; null when down or in register mode. */
    DataPlane dataPlane() {
        return inc == null ? null : inc.dataPlane;
    }

    RegisterMachine machine() {
        return inc == null ? null : inc.machine;
    }

    /**
     * This node's monotonic clock: the scheduler's time from an origin, running at {@link #setClockRate}
     * (1 unless a clock fault makes it drift).
     */
    long clockNs() {
        return clockBaseNs + (long) ((scheduler.nowNs() - clockSimBaseNs) * clockRate);
    }

    /**
     * The node's wall clock (what record timestamps read): the monotonic clock plus an offset that
     * clock faults move forward and back. Nothing of the runtime's timing reads it.
     */
    long wallMs() {
        return (clockNs() + wallOffsetNs) / 1_000_000L;
    }

    /** Moves the wall clock by {@code deltaNs} (either way): an NTP step, a strobing clock. */
    void bumpWallClock(long deltaNs) {
        wallOffsetNs += deltaNs;
        trace.record(scheduler.nowNs(), "node.wall-bump", id, deltaNs, 0, 0);
    }

    /**
     * Jumps the monotonic clock forward by {@code deltaNs} (a VM that was suspended, a stalled
     * hypervisor): every timer of the node finds that much time gone at its next step. A monotonic
     * clock never goes back, so backward bumps are the wall clock's ({@link #bumpWallClock}).
     */
    void bumpClock(long deltaNs) {
        if (deltaNs < 0) {
            throw new IllegalArgumentException("the monotonic clock never goes back: " + deltaNs);
        }
        clockBaseNs = clockNs() + deltaNs;
        clockSimBaseNs = scheduler.nowNs();
        trace.record(scheduler.nowNs(), "node.clock-bump", id, deltaNs, 0, 0);
    }

    void resetWallClock() {
        wallOffsetNs = 0;
    }

    /** The node's clock runs at {@code rate} (in (0, 2]) times real time from now on; it never goes back. */
    void setClockRate(double rate) {
        if (!(rate > 0 && rate <= 2)) {
            throw new IllegalArgumentException("clock rate must be in (0, 2]: " + rate);
        }
        clockBaseNs = clockNs();
        clockSimBaseNs = scheduler.nowNs();
        clockRate = rate;
        trace.record(scheduler.nowNs(), "node.clock-rate", id, (long) (rate * 1000), 0, 0);
    }

    /**
     * Freezes the process (a long GC pause or SIGSTOP): nothing of it runs; packets and requests queue
     * in its bounded inbound queues (beyond them, dropped) until {@link #resume}.
     */
    void pause() {
        paused = true;
        trace.record(scheduler.nowNs(), "node.pause", id, 0, 0, 0);
    }

    void resume() {
        if (paused) {
            paused = false;
            trace.record(scheduler.nowNs(), "node.resume", id, 0, 0, 0);
            if (inc != null) {
                kick(inc);
            }
        }
    }

    boolean isPaused() {
        return paused;
    }

    // ================================ life cycle ================================

    /** Starts a new incarnation from what the disk holds; the disk must allow it (no fault on it). */
    void start() {
        String refused = tryStart();
        if (refused != null) {
            throw new IllegalStateException("node " + id + " could not start from its disk: " + refused);
        }
    }

    /**
     * Starts a new incarnation from what the disk holds. Null when it started; otherwise why not (an
     * I/O error, a full disk, data recovery refused), and the node stays down with its disk as it was.
     */
    String tryStart() {
        if (inc != null) {
            throw new IllegalStateException("node " + id + " is already up");
        }
        paused = false;
        Disk view = new FaultyDisk(dropFsync ? new UnsyncedDisk(disk) : disk, faults());
        SimTransport transport = null;
        try {
            NodeMeta meta = NodeMeta.startNewIncarnation(view, ROOT);
            transport = new SimTransport(network, id, peers, 1 << 16);
            StorageEngine engine = StorageEngine.open(view, DiskPaths.join(ROOT, "storage"), config.storage(),
                    () -> clockNs() / 1_000_000L);
            Incarnation i = new Incarnation(meta, transport, engine, new RegisterMachine(id, oracle));
            inc = i;
            recoverGroups(i);
            transport.setInboundHandler(new Inbound(i));
            trace.record(scheduler.nowNs(), "node.start", id, meta.incarnation(), engine.groupIds().size(), 0);
            schedulePeriodic(i);
            if (lostData) {
                lostData = false;
                dataLossListener.accept(id);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            inc = null;
            refusedStarts++;
            trace.record(scheduler.nowNs(), "node.start-refused", id, 0, 0, 0);
            return e.toString();
        }
    }

    /**
     * Starts the node as its supervisor would after a crash: when the start fails on an injected disk
     * fault (full, unreadable) it is retried a little later; when recovery refused the data (corruption
     * the checksums caught beyond what the engine cuts), the operator wipes the disk and the node
     * rejoins with none ({@link #wipe}).
     */
    void restart() {
        if (inc != null) {
            return;
        }
        String refused = tryStart();
        if (refused == null) {
            return;
        }
        if (faults().active() || disk.poweredOff()) {
            scheduler.after(200_000_000L, () -> {
                if (inc == null) {
                    restart();
                }
            });
        } else {
            trace.record(scheduler.nowNs(), "node.refused-data", id, 0, 0, 0);
            wipe();
        }
    }

    /**
     * The disk is replaced by an empty one (a wiped or replaced drive) and the node starts on it: every
     * group it hosted is created again from its genesis membership as a rejoining replica, which asks
     * to be demoted to learner, catches up from the leader (log or snapshot) and is promoted back — it
     * never votes as if it had the data it lost.
     */
    void wipe() {
        Incarnation i = inc;
        if (i != null) {
            i.transport.close();
            inc = null;
        }
        long capacity = disk.capacityBytes();
        disk = new SimDisk(random.nextLong());
        disk.setCapacityBytes(faults().full() ? capacity : Long.MAX_VALUE);
        wipes++;
        lostData = true;
        trace.record(scheduler.nowNs(), "node.wipe", id, 0, 0, 0);
        restart();
    }

    /** Power loss: every in-memory structure is gone; the disk keeps what was durable. */
    void crash() {
        Incarnation i = inc;
        if (i == null) {
            return;
        }
        i.transport.close();
        inc = null;
        crashes++;
        disk = disk.crash();
        trace.record(scheduler.nowNs(), "node.crash", id, i.meta.incarnation(), 0, 0);
    }

    /** Cuts the power after {@code mutations} more disk changes: the crash lands inside a write. */
    void crashAfterMutations(long mutations) {
        if (inc != null) {
            disk.powerOffAfter(mutations);
        }
    }

    /**
     * Runs {@code read} (a client's read of this node's storage, outside a step); when the power went
     * out under it, the node crashes as it would inside a step and the answer is null.
     */
    <T> T readStorage(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (UncheckedIOException e) {
            if (disk.poweredOff()) {
                crash();
                return null;
            }
            if (faults().readErrorsOn()) {
                return null; // the read failed on an injected read error; the client sees an error
            }
            throw e;
        }
    }

    /**
     * Fills the disk: writes fail with {@code DiskFullException} once {@code slackBytes} more are used,
     * until {@link #setDiskFull} {@code false}.
     */
    void setDiskFull(boolean on, long slackBytes) {
        noteDiskFault(on);
        faults().setFull(on);
        disk.setCapacityBytes(on ? disk.usedBytes() + slackBytes : Long.MAX_VALUE);
        trace.record(scheduler.nowNs(), "node.disk-full", id, on ? 1 : 0, slackBytes, 0);
    }

    private void noteDiskFault(boolean on) {
        if (on && inc != null) {
            inc.diskFaultSeen = true;
        }
    }

    /** Reads fail with probability {@code rate} until set back to 0. */
    void setReadErrorRate(double rate) {
        noteDiskFault(rate > 0);
        faults().setReadErrorRate(rate);
        trace.record(scheduler.nowNs(), "node.read-errors", id, (long) (rate * 1000), 0, 0);
    }

    /**
     * While the node is down, damages one durable file of its data directory ({@link DiskDamage}).
     * Returns the file's path, or null when the node is up or has no file with data.
     */
    String corrupt(int bits) {
        if (inc != null) {
            return null;
        }
        String f = DiskDamage.damage(disk, ROOT, random, bits);
        if (f != null) {
            lostData = true;
            trace.record(scheduler.nowNs(), "node.corrupt", id, bits, f.hashCode(), 0);
        }
        return f;
    }


    /** Fsyncs take {@code factor} times longer (a slow disk); 1 restores them. */
    void setFsyncSlowFactor(long factor) {
        fsyncSlowFactor = Math.max(1, factor);
    }

    private void recoverGroups(Incarnation i) throws IOException {
        WalReader.Report report = i.engine.recoveryReport();
        boolean tornTail = report != null && report.cutBytes > 0;
        Set<Long> suspect = new TreeSet<>();
        for (long gid : i.engine.groupIds()) {
            GroupLog g = i.engine.group(gid);
            if (g.needsSnapshot() || (report != null && report.groupsAfterCorruption.contains(gid))
                    || (tornTail && config.rejoinAfterTornTail())) {
                suspect.add(gid);
            }
        }
        Set<Long> lost = new TreeSet<>(hosted.keySet());
        lost.removeAll(i.engine.groupIds());
        for (long gid : lost) { // a wiped disk: the replica is made again, from nothing, and rejoins
            long[] ids = hosted.get(gid).stream().mapToLong(Long::longValue).toArray();
            i.engine.createGroup(gid, ConfState.ofVoters(ids));
            suspect.add(gid);
        }
        i.meta.addRejoining(suspect);
        Set<Long> rejoining = i.meta.rejoining();
        for (long gid : i.engine.groupIds()) {
            i.loopOf(gid).addReplica(newReplica(i, gid, i.engine.group(gid), rejoining.contains(gid)));
        }
        if (!rejoining.isEmpty()) {
            trace.record(scheduler.nowNs(), "node.rejoin", id, rejoining.size(), tornTail ? 1 : 0, 0);
        }
    }

    private Replica newReplica(Incarnation i, long gid, GroupLog g, boolean rejoining) {
        return new Replica(i.loopOf(gid), id, i.meta.incarnation(), g, rejoining, groupId -> {
            try {
                i.meta.removeRejoining(groupId);
            } catch (IOException e) {
                throw new UncheckedIOException("recording that group " + groupId + " finished rejoining", e);
            }
        });
    }

    /** Creates this node's replica of a new group (at the start of a run, before any fault). */
    void createGroup(long groupId, Set<Long> voters) {
        Incarnation i = requireUp();
        try {
            long[] ids = voters.stream().mapToLong(Long::longValue).toArray();
            GroupLog g = i.engine.createGroup(groupId, ConfState.ofVoters(ids));
            hosted.put(groupId, new TreeSet<>(voters));
            Replica r = newReplica(i, groupId, g, false);
            i.loopOf(groupId).addReplica(r);
            if (id == voters.stream().min(Long::compare).orElseThrow()) {
                r.scheduleCampaign(0, config.timerResolutionNs());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("node " + id + " could not create group " + groupId, e);
        }
        kick(i);
    }

    private Incarnation requireUp() {
        if (inc == null) {
            throw new IllegalStateException("node " + id + " is down");
        }
        return inc;
    }

    // ================================ stepping ================================

    private void schedulePeriodic(Incarnation i) {
        scheduler.after(config.timerResolutionNs(), () -> {
            if (inc == i) {
                step(i);
                schedulePeriodic(i);
            }
        });
    }

    /** Runs the node's agents at the current instant (coalesced: one pending kick at a time). */
    private void kick(Incarnation i) {
        if (!i.kickPending) {
            i.kickPending = true;
            scheduler.after(0, () -> {
                i.kickPending = false;
                if (inc == i) {
                    step(i);
                }
            });
        }
    }

    private void step(Incarnation i) {
        if (paused) {
            return;
        }
        long now = clockNs();
        try {
            for (int round = 0; round < ROUNDS_PER_STEP_MAX; round++) {
                int work = 0;
                for (EventLoop l : i.loops) {
                    work += l.doWork(now);
                }
                for (Applier a : i.appliers) {
                    work += a.doWork(now);
                }
                work += walStep(i);
                if (inc != i || work == 0) {
                    break;
                }
            }
            if (inc == i) {
                i.engine.housekeeperAgent().doWork();
            }
        } catch (RuntimeException e) {
            if (disk.poweredOff()) {
                crash(); // the power went out inside a write: what was done so far is what the disk has
                return;
            }
            if ((faults().active() || i.diskFaultSeen) && causedByIo(e)) {
                ioCrash(e); // an agent died on the injected fault: the process goes down, its supervisor restarts it
                return;
            }
            throw e;
        }
    }

    /**
     * Whether an agent's exception came from an I/O error: one in its cause chain, or a storage object
     * that refuses further use after one ("unusable after an I/O error ... close and reopen it", which
     * carries the error in its message only; seed 208 of {@code RuntimeFaultsTest}).
     */
    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException
                    || (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("I/O error"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * An agent threw on an I/O error of an injected fault. In production the agent's thread would end
     * (see {@code AgentThread}); here the whole process is taken down (fail-stop) and restarted a
     * little later, as a supervisor would.
     */
    private void ioCrash(RuntimeException e) {
        ioCrashes++;
        trace.record(scheduler.nowNs(), "node.io-crash", id, 0, 0, 0);
        crash();
        scheduler.after(random.between(50_000_000L, 500_000_000L), this::restart);
    }

    /** One WAL group commit, once the fsync latency drawn when work reached the writer has passed. */
    private int walStep(Incarnation i) {
        if (!i.engine.walAgent().hasWork()) {
            return 0;
        }
        long now = scheduler.nowNs();
        if (i.walBatchAtNs < 0) {
            i.walBatchAtNs = now + fsyncSlowFactor * (1 + random.exponential(fsyncLatencyNsMean));
            long at = i.walBatchAtNs;
            scheduler.at(at, () -> {
                if (inc == i) {
                    step(i);
                }
            });
            return 0;
        }
        if (now < i.walBatchAtNs) {
            return 0;
        }
        i.walBatchAtNs = -1;
        int n = i.engine.walAgent().doWork();
        trace.record(now, "wal.batch", id, n, 0, 0);
        return n;
    }

    /** A packet from the network. */
    void receive(long from, Object payload) {
        Incarnation i = inc;
        if (i != null && i.transport.receive(from, payload)) {
            kick(i);
        }
    }

    // ================================ clients ================================

    /** Proposes {@code data} to this node's replica of the group; null when the node is down. */
    CompletableFuture<Long> propose(long groupId, byte[] data) {
        return onReplica(groupId, (r, f) -> r.propose(data, f));
    }

    /** A LINEARIZABLE read barrier on this node's replica; null when the node is down. */
    CompletableFuture<Long> read(long groupId) {
        return read(groupId, ReadMode.READ_INDEX);
    }

    /** A read barrier of {@code mode} on this node's replica; null when the node is down. */
    CompletableFuture<Long> read(long groupId, ReadMode mode) {
        return onReplica(groupId, (r, f) -> r.read(mode, f));
    }

    /** Proposes {@code data}, answered once this node (the leader) appended it; null when down. */
    CompletableFuture<Long> proposeAppended(long groupId, byte[] data) {
        return onReplica(groupId, (r, f) -> r.proposeAppended(data, f));
    }

    /** A membership change proposed on this node's replica; completes once applied here; null when down. */
    CompletableFuture<Long> changeMembership(long groupId, io.conclave.raft.ConfChange change) {
        return onReplica(groupId, (r, f) -> r.changeMembership(change, f));
    }

    /** Asks this node's replica (the leader) to hand leadership to {@code toNode}; null when down. */
    CompletableFuture<Long> transferLeadership(long groupId, long toNode) {
        return onReplica(groupId, (r, f) -> {
            r.transferLeadership(toNode);
            f.complete(0L);
        });
    }

    private CompletableFuture<Long> onReplica(long groupId, BiConsumer<Replica, CompletableFuture<Long>> action) {
        Incarnation i = inc;
        if (i == null) {
            return null;
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        EventLoop loop = i.loopOf(groupId);
        boolean queued = loop.offerTask(() -> {
            Replica r = loop.replica(groupId);
            if (r == null) {
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.UNKNOWN_GROUP,
                        "group " + groupId + " is not hosted on node " + id));
            } else if (r.isBroken()) {
                f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.CLOSED,
                        "the replica of group " + groupId + " on node " + id + " is stopped"));
            } else {
                action.accept(r, f);
            }
        });
        if (!queued) {
            f.completeExceptionally(new BackPressureException("loop " + loop.index() + " of node " + id + " is full"));
        }
        kick(i);
        return f;
    }

    /** Runs {@code action} on every replica of the current incarnation (none when down). */
    void forEachReplica(Consumer<Replica> action) {
        Incarnation i = inc;
        if (i != null) {
            for (EventLoop l : i.loops) {
                l.forEachReplica(action);
            }
        }
    }

    Replica replica(long groupId) {
        Incarnation i = inc;
        return i == null ? null : i.loopOf(groupId).replica(groupId);
    }

    StorageEngine engine() {
        return inc == null ? null : inc.engine;
    }

    // ================================ inbound and failover ================================

    private final class Inbound implements InboundHandler {
        private final Incarnation i;

        Inbound(Incarnation i) {
            this.i = i;
        }

        @Override
        public void onMessages(long fromNode, List<Envelope> messages) {
            for (Envelope e : messages) {
                i.loopOf(e.groupId()).offerMessage(e.groupId(), e.message());
            }
        }

        @Override
        public void onLiveness(long fromNode, Liveness signal) {
            i.liveness.recordPing(fromNode, signal.incarnation(), clockNs());
        }
    }

    /** As the runtime's: a suspicion makes every loop visit its replicas, whose followers of the peer campaign. */
    private final class Failover implements LivenessListener {
        private final Incarnation i;

        Failover(Incarnation i) {
            this.i = i;
        }

        @Override
        public void onSuspected(long peer, long nowNs) {
            trace.record(scheduler.nowNs(), "liveness.suspect", id, peer, 0, 0);
            for (EventLoop l : i.loops) {
                l.postCompletion(() -> l.forEachReplica(r -> r.onPeerSuspected(peer)));
            }
        }

        @Override
        public void onRecovered(long peer, long nowNs) {
            trace.record(scheduler.nowNs(), "liveness.recover", id, peer, 0, 0);
        }
    }
}
