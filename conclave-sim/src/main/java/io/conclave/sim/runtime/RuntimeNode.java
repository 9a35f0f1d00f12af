package io.conclave.sim.runtime;

import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.PeerSilence;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.node.NodeAssembly;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.Replica;
import io.conclave.raft.ConfState;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.raft.ReadMode;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageEngine;
import io.conclave.storage.wal.WalReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One simulated machine running the real node runtime: {@code conclave-storage}'s engine over a
 * {@link SimDisk}, {@code conclave-multiraft}'s event loops, appliers, replicas and liveness monitor,
 * and a {@link SimTransport}, built by {@code conclave-multiraft}'s {@link NodeAssembly} — the very
 * assembly {@code RaftRuntime.start()} runs — but given no thread: each life ({@link Incarnation}) is
 * stepped from the scheduler on the node's own {@link RuntimeClock}. This class owns the machine's
 * life cycle (start, crash, restart, wipe, pause), its disk and the faults on it, and the client
 * requests routed to it.
 *
 * <p>Crash: the incarnation's objects are dropped without closing anything, and the disk keeps only
 * what it made durable (plus a seeded, possibly torn, prefix of the rest). Restart: a new incarnation
 * opens the storage from that disk, recovers every group found, and rejoins suspect groups as
 * learners, exactly as a real restart does.
 */
final class RuntimeNode {

    static final String ROOT = "node";

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
    private final RuntimeClock clock;
    private boolean paused;
    private SimDisk disk;
    private final FaultyDisk.Faults diskFaults;
    private boolean dataPlaneOn;
    private Incarnation inc;
    private Supplier<ClusterImage> servingImage = () -> ClusterImage.EMPTY;
    private long crashes;
    private long wipes;
    private long ioCrashes;
    private long ioCrashesOnUnusableStorage;
    /** WAL files recycled by the incarnations that ended. */
    private long walFilesRecycledBefore;
    private long refusedStarts;
    /** Every group this node was given a replica of, with its genesis membership (to recreate it after a wipe). */
    private final TreeMap<Long, ConfState> hosted = new TreeMap<>();

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
        this.clock = new RuntimeClock(id, scheduler, trace);
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
    /** The highest incarnation this machine has started (a replaced disk's next one is above it). */
    private long incarnationMax;

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
        return inc == null ? 0 : inc.incarnation();
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

    /**
     * Of {@link #ioCrashes}, those after the fault window on a storage object an injected fault had left
     * unusable ("unusable after an I/O error ... close and reopen it"; seed 208's story, RuntimeFaultsTest).
     */
    /** Reclaimed WAL files kept as spares over every incarnation so far. */
    long walFilesRecycled() {
        Incarnation i = inc;
        return walFilesRecycledBefore + (i == null ? 0 : i.engine().walFilesRecycled());
    }

    long ioCrashesOnUnusableStorage() {
        return ioCrashesOnUnusableStorage;
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

    private MetadataPlane.Stats metadataStats; // null: not in metadata mode
    private long metadataRequestTimeoutNs;
    private MetadataPlane metadataPlane;

    /** Runs the controller's metadata path ({@link MetadataPlane}) on every group from the next start on. */
    void useMetadataPlane(MetadataPlane.Stats stats, long requestTimeoutNs) {
        metadataStats = stats;
        metadataRequestTimeoutNs = requestTimeoutNs;
    }

    private NodeReconciliation.Shared reconciling; // null: no reconciler
    /** The data directory's loss-check flag, per controller (metadata group): set on every new disk. */
    private final TreeSet<Long> lossCheckPending = new TreeSet<>();
    /** The group-id mark each controller's loss check settled with (kept with the disk as the flag is). */
    private final TreeMap<Long, Long> groupIdMarks = new TreeMap<>();

    /**
     * Runs the server's reconciler ({@link NodeReconciliation}) from the next start on: the node
     * registers itself with the metadata groups it hosts and creates the partition replicas they assign it.
     */
    void useReconciler(NodeReconciliation.Shared shared) {
        reconciling = shared;
        newDirectory();
    }

    private void newDirectory() {
        lossCheckPending.clear();
        groupIdMarks.clear();
        if (reconciling != null) {
            for (long m = 1; m <= reconciling.metadataGroups; m++) {
                lossCheckPending.add(m);
            }
        }
    }

    /** Whether the data directory's loss check is still pending for controller {@code m} (kept across crashes). */
    boolean lossCheckPending(long m) {
        return lossCheckPending.contains(m);
    }

    /**
     * The loss check for controller {@code m} is settled with group-id mark {@code groupIdMark}: recorded
     * with the disk (a wipe sets it pending again), as {@code ConclaveNode} writes both to its identity file.
     */
    void settleLossCheck(long m, long groupIdMark) {
        lossCheckPending.remove(m);
        groupIdMarks.put(m, groupIdMark);
        trace.record(scheduler.nowNs(), "node.loss-check-settled", id, m, groupIdMark, 0);
    }

    /** The group-id mark controller {@code m}'s loss check settled with ({@code UNKNOWN_MARK} if none). */
    long groupIdMark(long m) {
        return groupIdMarks.getOrDefault(m, io.conclave.server.node.LostReplicaCheck.UNKNOWN_MARK);
    }

    /**
     * The groups whose replica this disk destroyed, as the runtime's {@code node.meta} records them
     * before each destruction (the assembly's own code); empty when the node is down.
     */
    Set<Long> destroyedGroups() {
        Incarnation i = inc;
        return i == null ? Set.of() : i.parts.meta().destroyed();
    }

    /** Drops destruction records ({@code RaftRuntime.forgetDestroyedGroups}); false when down or the write failed. */
    boolean forgetDestroyedGroups(Set<Long> groupIds) {
        Incarnation i = inc;
        if (i == null) {
            return false;
        }
        try {
            i.parts.meta().forgetDestroyed(groupIds);
            return true;
        } catch (IOException | UncheckedIOException e) {
            if (disk.poweredOff()) {
                crash();
            }
            return false;
        }
    }

    /** The current incarnation's metadata plane; null when down or not in metadata mode. */
    MetadataPlane metadataPlane() {
        return inc == null ? null : metadataPlane;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** The node's monotonic and wall clocks (clock faults act on them). */
    RuntimeClock clock() {
        return clock;
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
                inc.kick();
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
        SimTransport[] transport = new SimTransport[1];
        try {
            RegisterMachine machine = new RegisterMachine(id, oracle);
            DataPlane dataPlane = dataPlaneOn ? new DataPlane(this, oracle) : null;
            MetadataPlane metadata = metadataStats == null ? null
                    : new MetadataPlane(this, oracle, scheduler, metadataStats, metadataRequestTimeoutNs);
            metadataPlane = metadata;
            NodeAssembly parts = NodeAssembly.open(id, config, view, ROOT,
                    incarnation -> transport[0] = new SimTransport(network, id, peers, 1 << 16),
                    dataPlane != null ? dataPlane.machine() : metadata != null ? metadata.machine() : machine, clock,
                    new LeaderTable(), new Traced());
            Incarnation i = new Incarnation(parts, machine, dataPlane, scheduler, trace, id,
                    () -> fsyncSlowFactor * (1 + random.exponential(fsyncLatencyNsMean)), this::stepIfCurrent);
            inc = i;
            incarnationMax = Math.max(incarnationMax, i.incarnation());
            recoverGroups(i);
            if (metadata != null && reconciling != null) {
                new NodeReconciliation(this, metadata, i.incarnation(), reconciling).start();
            }
            trace.record(scheduler.nowNs(), "node.start", id, i.incarnation(), i.engine().groupIds().size(), 0);
            i.schedulePeriodic(config.timerResolutionNs());
            if (lostData) {
                lostData = false;
                dataLossListener.accept(id);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            if (transport[0] != null) {
                transport[0].close();
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
            endIncarnation(i);
        }
        long capacity = disk.capacityBytes();
        disk = new SimDisk(random.nextLong());
        disk.setCapacityBytes(faults().full() ? capacity : Long.MAX_VALUE);
        wipes++;
        lostData = true;
        newDirectory();
        clock.incarnationsAbove(incarnationMax);
        trace.record(scheduler.nowNs(), "node.wipe", id, 0, 0, 0);
        restart();
    }

    /** The running incarnation stops (crash or wipe): its transport closes, its counts are kept. */
    private void endIncarnation(Incarnation i) {
        i.parts.transport().close();
        walFilesRecycledBefore += i.engine().walFilesRecycled();
        inc = null;
    }

    /** Power loss: every in-memory structure is gone; the disk keeps what was durable. */
    void crash() {
        Incarnation i = inc;
        if (i == null) {
            return;
        }
        endIncarnation(i);
        crashes++;
        disk = disk.crash();
        trace.record(scheduler.nowNs(), "node.crash", id, i.incarnation(), 0, 0);
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
    <T> T readStorage(Supplier<T> read) {
        try {
            return read.get();
        } catch (UncheckedIOException e) {
            readFailed(e);
            return null;
        }
    }

    /**
     * A read of this node's storage failed with {@code e}: the node crashes when its power was cut; an
     * injected read error is the client's failed read; anything else is a bug, and {@code e} is thrown.
     */
    void readFailed(RuntimeException e) {
        if (disk.poweredOff()) {
            crash();
            return;
        }
        if (faults().readErrorsOn()) {
            return; // the read failed on an injected read error; the client sees an error
        }
        throw e;
    }

    /** The metadata image the node's request handlers see (the data workload's topic). */
    ClusterImage servingImage() {
        return servingImage.get();
    }

    /** Sets where {@link #servingImage} comes from. */
    void serveImage(Supplier<ClusterImage> image) {
        this.servingImage = image;
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

    /**
     * Recovers every group the disk holds, as production does; a group this node was given but whose
     * storage is gone (a wiped disk) is created again by the assembly, empty, and rejoins with the
     * suspect ones (recorded rejoining before it is created: a start refused in between leaves it on the
     * disk, seed 259).
     */
    private void recoverGroups(Incarnation i) throws IOException {
        Map<Long, ConfState> lost = new TreeMap<>();
        for (Map.Entry<Long, ConfState> h : hosted.entrySet()) {
            if (i.engine().groupIds().contains(h.getKey())) {
                continue;
            }
            if (h.getValue().learners().contains(id)) {
                // a learner votes for nothing and counts towards no commit, so it lost nothing anyone relied
                // on: created again plain, as a node with an empty directory creates its controller replica
                // before it joins (ConclaveNode.join); the leader sends it the log or a snapshot
                i.engine().createGroup(h.getKey(), h.getValue());
            } else {
                lost.put(h.getKey(), h.getValue());
            }
        }
        Set<Long> rejoining = i.parts.recoverGroups(lost);
        if (!rejoining.isEmpty()) {
            WalReader.Report report = i.engine().recoveryReport();
            boolean tornTail = report != null && report.cutBytes > 0;
            trace.record(scheduler.nowNs(), "node.rejoin", id, rejoining.size(), tornTail ? 1 : 0, 0);
        }
    }

    /** Creates this node's replica of a new group of {@code voters} and no learner (at the start of a run). */
    void createGroup(long groupId, Set<Long> voters) {
        createGroup(groupId, ConfState.ofVoters(voters.stream().mapToLong(Long::longValue).toArray()));
    }

    /**
     * Creates this node's replica of a new group (at the start of a run, before any fault) from its
     * genesis membership {@code genesis}: its voters and the learners it keeps for good; the lowest voter
     * campaigns.
     */
    void createGroup(long groupId, ConfState genesis) {
        Incarnation i = requireUp();
        if (!genesis.allMembers().contains(id)) {
            throw new IllegalArgumentException("node " + id + " is no member of group " + groupId + "'s genesis "
                    + genesis);
        }
        try {
            GroupLog g = i.engine().createGroup(groupId, genesis);
            hosted.put(groupId, genesis);
            Replica r = i.parts.newReplica(groupId, g, false);
            i.parts.loopOf(groupId).addReplica(r);
            if (id == genesis.voters().first()) {
                r.scheduleCampaign(0, config.timerResolutionNs());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("node " + id + " could not create group " + groupId, e);
        }
        i.kick();
    }

    /**
     * Creates this node's replica of an existing group mid-run, as the server's reconciler does for a
     * new assignment ({@code RaftRuntime.createGroup} with another node as the bootstrapper): from the
     * group's genesis membership, campaigning for nothing; it waits for the leader to add it as a
     * learner and send it the log or a snapshot. False when the node is down or the storage refused
     * (a full or failing disk): nothing was created then.
     */
    boolean hostGroup(long groupId, Set<Long> genesis) {
        Incarnation i = inc;
        if (i == null) {
            return false;
        }
        try {
            long[] ids = genesis.stream().mapToLong(Long::longValue).toArray();
            ConfState conf = ConfState.ofVoters(ids);
            GroupLog g = i.engine().createGroup(groupId, conf);
            hosted.put(groupId, conf);
            i.parts.loopOf(groupId).addReplica(i.parts.newReplica(groupId, g, false));
        } catch (IOException | UncheckedIOException e) {
            trace.record(scheduler.nowNs(), "node.host-refused", id, groupId, 0, 0);
            return false;
        }
        trace.record(scheduler.nowNs(), "node.host", id, groupId, 0, 0);
        i.kick();
        return true;
    }

    /**
     * Creates this node's replica of a partition group for the server's reconciler, as
     * {@code RaftRuntime.createGroup} (plain: from the genesis voters, {@code bootstrapper} campaigning at
     * once) or {@code RaftRuntime.createRejoiningGroup} (rejoining: marked so in {@code node.meta} first,
     * then created; it never votes until caught up) do. Unlike {@link #hostGroup} the group is not
     * recorded for the simulator to create again after a wipe: the reconciler does that, through the loss
     * check. False when the node is down or the storage refused (nothing created then).
     */
    boolean createPartitionReplica(long groupId, Set<Long> genesis, long bootstrapper, boolean rejoining) {
        Incarnation i = inc;
        if (i == null) {
            return false;
        }
        try {
            if (rejoining) {
                i.parts.meta().addRejoining(Set.of(groupId));
            }
            long[] ids = genesis.stream().mapToLong(Long::longValue).toArray();
            GroupLog g = i.engine().createGroup(groupId, ConfState.ofVoters(ids));
            Replica r = i.parts.newReplica(groupId, g, rejoining);
            i.parts.loopOf(groupId).addReplica(r);
            if (!rejoining && genesis.contains(id) && id == bootstrapper) {
                r.scheduleCampaign(0, config.timerResolutionNs());
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            trace.record(scheduler.nowNs(), "node.create-refused", id, groupId, rejoining ? 1 : 0, 0);
            if (disk.poweredOff()) {
                crash();
            }
            return false;
        }
        trace.record(scheduler.nowNs(), "node.create", id, groupId, rejoining ? 1 : 0, 0);
        i.kick();
        return true;
    }

    /**
     * This node no longer hosts the group: it is not created again after a wipe, and its replica, when
     * the node is up, is destroyed as {@code RaftRuntime.destroyGroup} does (the assembly's own code:
     * the replica stops, the state machine forgets the group, the storage deletes it durably). The
     * future completes once the destruction is done; null when the node is down (a restart recovers
     * the group if its storage still holds it: the caller asks again).
     */
    CompletableFuture<Void> destroyGroup(long groupId) {
        hosted.remove(groupId);
        Incarnation i = inc;
        if (i == null) {
            return null;
        }
        trace.record(scheduler.nowNs(), "node.destroy", id, groupId, i.incarnation(), 0);
        CompletableFuture<Void> f = i.parts.destroyGroup(groupId);
        if (f.isCompletedExceptionally() && disk.poweredOff()) {
            crash(); // the power went out under the destruction record: nothing was destroyed
            return f;
        }
        i.kick();
        return f;
    }

    /** Whether this node's storage holds the group (a deletion in progress included); false when down. */
    boolean storesGroup(long groupId) {
        Incarnation i = inc;
        return i != null && i.engine().groupIds().contains(groupId);
    }

    /** The groups this node was given and still hosts (what a wipe creates again). */
    Set<Long> hostedGroups() {
        return new TreeSet<>(hosted.keySet());
    }

    /** The names under the storage's {@code groups/} directory of the current disk (one per group directory). */
    java.util.List<String> groupDirectories() {
        String dir = io.conclave.storage.disk.DiskPaths.join(io.conclave.storage.disk.DiskPaths.join(ROOT, "storage"), "groups");
        try {
            return disk.exists(dir) ? disk.list(dir) : java.util.List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " of node " + id, e);
        }
    }

    private Incarnation requireUp() {
        if (inc == null) {
            throw new IllegalStateException("node " + id + " is down");
        }
        return inc;
    }

    // ================================ stepping ================================

    /** Steps {@code i} if it is still the node's life; false when it is not (it crashed or was wiped). */
    private boolean stepIfCurrent(Incarnation i) {
        if (inc != i) {
            return false;
        }
        step(i);
        return true;
    }

    private void step(Incarnation i) {
        if (paused) {
            return;
        }
        try {
            i.runAgents(clock.nowNs(), life -> inc == life);
        } catch (RuntimeException e) {
            if (disk.poweredOff()) {
                crash(); // the power went out inside a write: what was done so far is what the disk has
                return;
            }
            if ((faults().active() || i.diskFaultSeen) && causedByIo(e)) {
                if (!faults().active() && onUnusableStorage(e)) {
                    ioCrashesOnUnusableStorage++;
                }
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

    /** Whether {@code e} is, or was caused by, a storage object's refusal after an earlier I/O error. */
    private static boolean onUnusableStorage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("unusable after an I/O error")) {
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

    /** A packet from the network. */
    void receive(long from, Object payload) {
        Incarnation i = inc;
        if (i != null && ((SimTransport) i.parts.transport()).receive(from, payload)) {
            i.kick();
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

    private CompletableFuture<Long> onReplica(long groupId, NodeAssembly.ReplicaAction action) {
        Incarnation i = inc;
        if (i == null) {
            return null;
        }
        CompletableFuture<Long> f = i.parts.onReplica(groupId, action);
        i.kick();
        return f;
    }

    /** Runs {@code action} on every replica of the current incarnation (none when down). */
    void forEachReplica(Consumer<Replica> action) {
        Incarnation i = inc;
        if (i != null) {
            for (EventLoop l : i.parts.loops()) {
                l.forEachReplica(action);
            }
        }
    }

    Replica replica(long groupId) {
        Incarnation i = inc;
        return i == null ? null : i.parts.loopOf(groupId).replica(groupId);
    }

    StorageEngine engine() {
        return inc == null ? null : inc.engine();
    }

    /** Records the node's liveness suspicions and recoveries in the trace (failover itself is the assembly's). */
    private final class Traced implements LivenessListener {
        @Override
        public void onSuspected(long peer, long nowNs, PeerSilence silence) {
            trace.record(scheduler.nowNs(), "liveness.suspect", id, peer, 0, 0);
        }

        @Override
        public void onRecovered(long peer, long nowNs, PeerSilence silence) {
            trace.record(scheduler.nowNs(), "liveness.recover", id, peer, 0, 0);
        }
    }
}
