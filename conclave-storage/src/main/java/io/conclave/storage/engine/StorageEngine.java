package io.conclave.storage.engine;

import io.conclave.raft.ConfState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.wal.Agent;
import io.conclave.storage.wal.AgentRunner;
import io.conclave.storage.wal.BatchHandler;
import io.conclave.storage.wal.GroupCommitWriter;
import io.conclave.storage.wal.WalCodec;
import io.conclave.storage.wal.WalLog;
import io.conclave.storage.wal.WalReader;
import io.conclave.storage.wal.WalRecord;
import io.conclave.storage.wal.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The storage of one data directory: one shared WAL and the logs of many groups.
 *
 * <p>Layout under {@code root}: {@code wal/} (the WAL files), {@code groups/<groupId>/log/} (segments)
 * and {@code groups/<groupId>/snap/} (the snapshot store); a group id created again after a
 * deletion lives in {@code groups/<groupId>.<incarnation>/} ({@link GroupDeletions}).
 *
 * <p>Two agents: the WAL agent ({@link #walAgent()}) writes group-commit batches and completes the
 * callbacks, taking no group's monitor; the housekeeper ({@link #housekeeperAgent()}) accounts
 * durable writes and, every {@code segmentSyncIntervalMs} of the injected clock (or at once when the
 * WAL grows past {@code walFilesSoftMax} files), materializes them into each group's segments and
 * syncs those, retrying failures next round; then it rewrites hard states that pin old WAL files,
 * reclaims WAL files no group needs, reports laggards and closes the least recently used segment
 * logs. {@link #startRunner()} gives each agent a thread; the simulator calls {@link #doWork()},
 * one step of both, itself.
 */
public final class StorageEngine implements Agent, AutoCloseable {

    private final Disk disk;
    private final String root;
    private final EngineConfig config;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<Long, GroupLog> groups = new ConcurrentHashMap<>();
    private WalLog wal;
    private GroupCommitWriter writer;
    private WalReader.Report recoveryReport;

    private final OpenSegments openSegments;
    private final Set<Long> laggardSet = new TreeSet<>();
    private final Housekeeper housekeeper = new Housekeeper();
    private final GroupDeletions deletions;

    /** Ops the writer made durable, for the housekeeper to account (the writer takes no group monitor). */
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingOp> durableOps =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Groups to materialize ahead of their sync round ({@link GroupLog#materializeEarly}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<GroupLog> early =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Groups with durable writes not yet materialized and synced, oldest first; guarded by itself. */
    private final LinkedHashSet<GroupLog> pending = new LinkedHashSet<>();

    // ---- read by any thread ----
    private volatile List<Long> laggards = List.of();
    private volatile long laggardReports;
    private volatile long segmentSyncs;
    private volatile long segmentSyncFailures;
    private volatile long walFilesReclaimed;
    private volatile long hardStateRewrites;
    private volatile long replayGaps;
    private volatile SnapshotRequestListener snapshotRequests = id -> { };
    private volatile Runnable waker = () -> { };
    private volatile Runnable housekeeperWaker = () -> { };
    private volatile boolean closed;
    private AgentRunner walRunner;
    private AgentRunner housekeeperRunner;

    private StorageEngine(Disk disk, String root, EngineConfig config, LongSupplier clockMs) {
        this.disk = disk;
        this.root = DiskPaths.check(root);
        this.config = config.validate();
        this.clockMs = clockMs;
        this.openSegments = new OpenSegments(config.segmentLogsOpenMax());
        this.deletions = new GroupDeletions(disk, groupsDir(), this);
    }

    /**
     * Opens (or creates) the engine in {@code root} of {@code disk}: opens every group's segments,
     * replays the WAL from its oldest file into them, cutting a torn WAL tail, and marks groups whose
     * logs are corrupt as needing a snapshot. The node stays up whatever it finds.
     */
    public static StorageEngine open(Disk disk, String root, EngineConfig config, LongSupplier clockMs)
            throws IOException {
        StorageEngine e = new StorageEngine(disk, root, config, clockMs);
        e.recover();
        return e;
    }

    private String groupsDir() {
        return root.isEmpty() ? "groups" : root + "/groups";
    }

    private String walDir() {
        return root.isEmpty() ? "wal" : root + "/wal";
    }

    private long interruptedCreatesRemoved;

    private void recover() throws IOException {
        disk.mkdirs(groupsDir());
        Map<Long, Long> live = deletions.recoverDirs(GroupDeletions.scan(disk, walDir(), config.wal()));
        for (Map.Entry<Long, Long> e : new TreeMap<>(live).entrySet()) {
            openGroupFiles(e.getKey(), e.getValue(), false).recoverStart();
            openSegments.closeEldest();
        }
        WalReader.Report report = new WalReader.Report();
        wal = WalLog.open(disk, walDir(), config.wal(), this::replay, report);
        recoveryReport = report;
        for (long id : report.groupsAfterCorruption) {
            GroupLog g = groups.get(id);
            if (g != null) {
                g.markLogLost();
            }
        }
        for (GroupLog g : groups.values()) {
            g.recoverFinish();
            openSegments.closeEldest();
        }
        removeInterruptedCreates();
        writer = new GroupCommitWriter(wal, config.wal(), new Handler());
        housekeeper.lastRoundMs = clockMs.getAsLong();
    }

    /**
     * Removes the groups a crash caught inside {@link #createGroup}: a directory holding nothing a group
     * is made of — no snapshot (not even its genesis membership, which a create writes first), no entry,
     * no hard state, no log lost to corruption. Nothing was ever written for such a group, so nobody
     * can have heard of it; left in place, it would be a replica without a membership, which no Raft core
     * starts from (the node could not start). The caller creates it again. (A group created without a
     * membership is not promised to survive a crash before its first write either: its directories are
     * synced lazily.)
     */
    private void removeInterruptedCreates() throws IOException {
        boolean removed = false;
        for (GroupLog g : new ArrayList<>(groups.values())) {
            Snapshot snap = g.snapshot();
            if (snap.index() == 0 && snap.metadata().confState().allMembers().isEmpty() && g.lastIndex() == 0
                    && g.hardState().isEmpty() && !g.needsSnapshot()) {
                groups.remove(g.groupId(), g);
                g.close();
                deletions.deleteTree(deletions.dirOf(g.groupId(), g.incarnation()));
                interruptedCreatesRemoved++;
                removed = true;
            }
        }
        if (removed) {
            disk.syncDir(groupsDir());
        }
    }

    /** Group directories removed on opening because a crash had interrupted their creation. */
    public long interruptedCreatesRemoved() {
        return interruptedCreatesRemoved;
    }

    private void replay(WalRecord rec) {
        if (deletions.skipsOnReplay(rec.groupId(), rec.fileSeq(), rec.offset())) {
            return; // an incarnation that was deleted later (or its tombstone)
        }
        try {
            GroupLog g = groups.get(rec.groupId());
            if (g == null) {
                g = openGroupFiles(rec.groupId(), deletions.nextIncarnation(rec.groupId()), false);
                g.recoverStart();
            }
            g.replay(rec);
            if (openSegments.openCount() > config.segmentLogsOpenMax()) {
                openSegments.closeEldest();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("replaying WAL record of group " + rec.groupId() + " in file "
                    + rec.fileSeq() + " at " + rec.offset(), ex);
        }
    }

    /**
     * Opens a group's files. A group created now ({@code lazyDirs}) does not fsync its new
     * directories here: its first segment sync does, before any WAL file it needs can go.
     */
    private GroupLog openGroupFiles(long id, long incarnation, boolean lazyDirs) throws IOException {
        String dir = deletions.dirOf(id, incarnation);
        boolean fresh = !disk.exists(dir);
        disk.mkdirs(dir);
        if (fresh && !lazyDirs) {
            disk.syncDir(groupsDir());
        }
        SegmentLogSegments segments = new SegmentLogSegments(disk, DiskPaths.join(dir, "log"), config.segment(),
                openSegments);
        GroupSnapshots snapshots = StoreSnapshots.open(disk, DiskPaths.join(dir, "snap"));
        GroupLog g = new GroupLog(id, incarnation, this, segments, snapshots, !(fresh && lazyDirs));
        segments.setOwner(g);
        groups.put(id, g);
        return g;
    }

    // ================================ groups ================================

    /** The group's log, or null when the engine hosts no such group. */
    public GroupLog group(long groupId) {
        return groups.get(groupId);
    }

    /**
     * Creates a group's log; with a non-empty {@code initial} configuration it starts like
     * {@code MemoryStorage.withVoters}: a snapshot at index 0 holding the membership.
     *
     * @throws IllegalStateException when the group exists or its deletion has not finished
     */
    public synchronized GroupLog createGroup(long groupId, ConfState initial) throws IOException {
        if (deletions.isDeleting(groupId)) {
            throw new IllegalStateException("group " + groupId + " is being deleted; create it again once "
                    + "deleteGroup's future has completed");
        }
        if (groups.containsKey(groupId)) {
            throw new IllegalStateException("group " + groupId + " already exists");
        }
        long incarnation = deletions.nextIncarnation(groupId);
        String dir = deletions.dirOf(groupId, incarnation);
        boolean fresh = !disk.exists(dir);
        boolean boot = initial != null && !initial.allMembers().isEmpty();
        GroupLog g = null;
        try {
            g = openGroupFiles(groupId, incarnation, !boot);
            if (boot) {
                StoreSnapshots.open(disk, DiskPaths.join(dir, "snap"))
                        .save(new Snapshot(new SnapshotMetadata(0, 0, initial), null));
                disk.syncDir(dir);
            }
            if (fresh) {
                g.startEmpty();
            } else {
                g.recoverStart();
            }
            g.recoverFinish();
        } catch (IOException | RuntimeException e) {
            abandonCreate(groupId, g, fresh ? dir : null, e);
            throw e;
        }
        openSegments.closeEldest();
        return g;
    }

    /**
     * A create that failed (a full or failing disk) leaves nothing behind: the group is not hosted (a
     * retry may create it) and a directory it made is removed, or a restart would recover a group
     * without its genesis membership. Removing is best effort: a failure is added to {@code cause}.
     */
    private void abandonCreate(long groupId, GroupLog g, String freshDir, Exception cause) {
        if (g != null) {
            groups.remove(groupId, g);
        }
        if (freshDir == null || !disk.exists(freshDir)) {
            return;
        }
        try {
            deletions.deleteTree(freshDir);
            disk.syncDir(groupsDir());
        } catch (IOException | RuntimeException removal) {
            cause.addSuppressed(removal);
        }
    }

    /**
     * Deletes a group durably: its writes stop at once (they answer CLOSED), a tombstone is written
     * through the group commit after every record of the group, and once it is durable the group's
     * files are removed and {@code groups/} is synced; the future completes then (on the housekeeper's
     * thread). A crash at any point recovers either the group intact (the tombstone was not durable)
     * or no group at all. Replay skips the group's records older than the tombstone, and the group no
     * longer holds WAL files back. The id may be created again once the future has completed.
     *
     * <p>The group's owner must have stopped using its {@link GroupLog}. Calling it again while the
     * deletion runs returns the same future; the future fails when the engine closes before the
     * tombstone is durable (the group then stays, intact).
     */
    public synchronized CompletableFuture<Void> deleteGroup(long groupId) {
        GroupLog g = groups.get(groupId);
        if (closed || g == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(closed ? "storage is closed"
                    : "no group " + groupId + " in this storage"));
        }
        return deletions.start(g);
    }

    /** Ids of the groups hosted, including those whose deletion has started but not finished. */
    public Set<Long> groupIds() {
        return new TreeSet<>(groups.keySet());
    }

    /** A deleted group's last step: no longer hosted, no longer pending (its files go next). */
    void forget(GroupLog g) {
        groups.remove(g.groupId(), g);
        removePending(g);
    }

    // ============================== agents ==============================

    /** One step of both agents: a group-commit batch, then housekeeping (for the simulator and tests). */
    @Override
    public int doWork() {
        return writer.doWork() + housekeeper.doWork();
    }

    @Override
    public boolean hasWork() {
        return writer.hasWork() || housekeeper.hasWork();
    }

    /** The group-commit writer: the hot path, alone on its thread in production. */
    public Agent walAgent() {
        return writer;
    }

    /** Materialization, segment syncs, WAL reclamation, laggards, open-file bound: its own thread. */
    public Agent housekeeperAgent() {
        return housekeeper;
    }

    /** Gives the WAL writer and the housekeeper a thread each; {@link #close()} stops them. */
    public synchronized void startRunner() {
        if (walRunner != null) {
            throw new IllegalStateException("runners already started");
        }
        String name = root.isEmpty() ? "root" : root;
        walRunner = new AgentRunner(writer, "storage-wal-" + name, TimeUnit.MILLISECONDS.toNanos(100));
        long parkNs = TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(config.segmentSyncIntervalMs(), 100)));
        housekeeperRunner = new AgentRunner(housekeeper, "storage-housekeeper-" + name, parkNs);
        AgentRunner r = walRunner;
        waker = r::wake;
        AgentRunner hk = housekeeperRunner;
        housekeeperWaker = hk::wake;
        walRunner.start();
        housekeeperRunner.start();
    }

    boolean offer(WriteRequest request) {
        return writer.offer(request);
    }

    void wake() {
        waker.run();
    }

    void wakeHousekeeper() {
        housekeeperWaker.run();
    }

    /** The most data one Raft entry may carry: what one WAL record and one segment record both hold. */
    public int entryDataBytesMax() {
        return Math.min(WalCodec.entryDataBytesMax(config.wal().recordBytesMax()), config.segment().recordDataBytesMax());
    }

    boolean isClosed() {
        return closed;
    }

    long nowMs() {
        return clockMs.getAsLong();
    }

    long activeWalSeq() {
        return wal.activeSeq();
    }

    boolean hasSpaceFor(long bytes) {
        try {
            return disk.usableBytes() >= bytes + config.resumeFreeBytesMin();
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes a new group's directories durable (its first segment sync calls this). */
    void syncGroupDirs(GroupLog g) throws IOException {
        String dir = deletions.dirOf(g.groupId(), g.incarnation());
        disk.syncDir(groupsDir());
        disk.syncDir(dir);
    }

    /** Called holding the group's monitor. */
    void notePending(GroupLog g) {
        synchronized (pending) {
            pending.add(g);
        }
    }

    /** Unmaterialized entry bytes a group may hold before its writes answer QUEUE_FULL (see GroupLog). */
    static final long HELD_BYTES_MAX_PER_GROUP = 64L << 20;
    private volatile long heldBytesMaxPerGroup = HELD_BYTES_MAX_PER_GROUP;

    long heldBytesMaxPerGroup() {
        return heldBytesMaxPerGroup;
    }

    private final java.util.concurrent.atomic.LongAdder writesHeldBack = new java.util.concurrent.atomic.LongAdder();

    void noteHeldBack() {
        writesHeldBack.increment();
    }

    /** Writes answered QUEUE_FULL because their group held too many bytes not yet in its segments. */
    public long writesHeldBack() {
        return writesHeldBack.sum();
    }

    /** Tests only: a smaller bound than {@link #HELD_BYTES_MAX_PER_GROUP}. */
    void heldBytesMaxPerGroup(long bytes) {
        heldBytesMaxPerGroup = bytes;
    }

    /** Called holding the group's monitor: {@code g} holds enough durable bytes to be materialized now. */
    void materializeEarly(GroupLog g) {
        early.add(g);
    }

    /** Called holding the group's monitor. */
    void removePending(GroupLog g) {
        synchronized (pending) {
            pending.remove(g);
        }
    }

    void noteReplayGap() {
        replayGaps++;
    }

    /** Housekeeping: its own agent, so that syncing thousands of segment files never delays a WAL batch. */
    private final class Housekeeper implements Agent {

        long lastRoundMs;
        private List<GroupLog> round = List.of();
        private int roundNext;

        @Override
        public int doWork() {
            // Ops made durable after this point are in files >= activeBefore: never reclaimed below.
            long activeBefore = wal.activeSeq();
            int work = noteDurableOps();
            work += materializeEarly();
            work += deletions.step();
            work += syncStep();
            if (roundNext >= round.size()) {
                work += reclaim(activeBefore);
            }
            work += openSegments.closeEldest();
            work += wal.prepareSpare(clockMs.getAsLong());
            return work;
        }

        @Override
        public boolean hasWork() {
            return !durableOps.isEmpty() || !early.isEmpty() || roundNext < round.size() || (due() && pendingCount() > 0)
                    || deletions.hasWork() || wal.spareWanted(clockMs.getAsLong());
        }

        private int noteDurableOps() {
            int n = 0;
            for (PendingOp op = durableOps.poll(); op != null && n < 1_000_000; op = durableOps.poll()) {
                op.group.noteDurable(op);
                n++;
            }
            return n;
        }

        private int materializeEarly() {
            int n = 0;
            for (GroupLog g = early.poll(); g != null; g = early.poll()) {
                g.materializeEarly();
                n++;
            }
            return n;
        }

        private boolean due() {
            return clockMs.getAsLong() - lastRoundMs >= config.segmentSyncIntervalMs()
                    || wal.fileCount() > config.walFilesSoftMax();
        }

        /** Materializes and syncs the next few groups of the current round, starting a round when due. */
        private int syncStep() {
            if (roundNext >= round.size()) {
                if (!due() || pendingCount() == 0) {
                    return 0;
                }
                synchronized (pending) {
                    round = new ArrayList<>(pending);
                }
                roundNext = 0;
                lastRoundMs = clockMs.getAsLong();
            }
            int synced = 0;
            int failed = 0;
            int end = Math.min(round.size(), roundNext + config.segmentSyncsPerStepMax());
            for (; roundNext < end; roundNext++) {
                if (round.get(roundNext).materializeAndSync()) {
                    synced++;
                } else {
                    failed++;
                }
            }
            segmentSyncs += synced;
            segmentSyncFailures += failed;
            if (roundNext >= round.size()) {
                round = List.of();
                roundNext = 0;
            }
            return synced + failed;
        }

        /** Deletes the WAL files no group needs, after rewriting hard states that still live in them. */
        private int reclaim(long activeBefore) {
            long candidate = Math.min(activeBefore, oldestNeededWalSeq());
            updateLaggards(candidate);
            if (wal.fileCount() <= 1 || candidate <= wal.firstSeq()) {
                return 0;
            }
            boolean pinned = false;
            for (GroupLog g : groups.values()) {
                if (g.hardStateWalSeq() < candidate) {
                    pinned = true;
                    if (!g.hardStateRewriteInFlight() && g.rewriteHardState()) {
                        hardStateRewrites++;
                        wake();
                    }
                }
            }
            if (pinned) {
                return 0;
            }
            try {
                int n = wal.reclaimBefore(candidate);
                walFilesReclaimed += n;
                deletions.pruneBefore(wal.firstSeq());
                return n;
            } catch (IOException e) {
                return 0;
            }
        }
    }

    private int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** The oldest WAL file some group (or an unfinished deletion) still needs; the active file when none. */
    private long oldestNeededWalSeq() {
        long active = Math.min(wal.activeSeq(), deletions.oldestPinnedWalSeq());
        synchronized (pending) {
            return pending.isEmpty() ? active : Math.min(active, pending.iterator().next().oldestNeededWalSeq());
        }
    }

    private void updateLaggards(long oldestNeeded) {
        long threshold = wal.activeSeq() - config.laggardFilesBehind();
        List<Long> now = new ArrayList<>();
        if (oldestNeeded <= threshold) {
            synchronized (pending) {
                for (GroupLog g : pending) {
                    if (g.oldestNeededWalSeq() > threshold) {
                        break;
                    }
                    now.add(g.groupId());
                }
            }
        }
        List<Long> fresh = new ArrayList<>();
        synchronized (laggardSet) {
            for (long id : now) {
                if (laggardSet.add(id)) {
                    fresh.add(id);
                }
            }
            laggardSet.retainAll(now);
            laggards = List.copyOf(laggardSet);
        }
        laggardReports += fresh.size();
        for (long id : fresh) {
            snapshotRequests.onSnapshotRequested(id);
        }
    }

    // ============================ observation ============================

    /** Groups currently holding WAL reclamation back by more than {@code laggardFilesBehind} files. */
    public List<Long> laggards() {
        return laggards;
    }

    /** How many times a group became a laggard (and was asked to snapshot). */
    public long laggardReports() {
        return laggardReports;
    }

    public void setSnapshotRequestListener(SnapshotRequestListener listener) {
        this.snapshotRequests = listener == null ? id -> { } : listener;
    }

    public WalReader.Report recoveryReport() {
        return recoveryReport;
    }

    /** fsyncs of WAL files so far. */
    public long walFsyncs() {
        return wal.fsyncs();
    }

    public int walFileCount() {
        return wal.fileCount();
    }

    public long walBatches() {
        return writer.batchesWritten();
    }

    public long walFilesReclaimed() {
        return walFilesReclaimed;
    }

    /** WAL files started since open (the writer's counter: read it as a gauge of progress, not exactly). */
    public long walFilesStarted() {
        return wal.filesStarted();
    }

    /** Of {@link #walFilesStarted()}, those that were spares (zero-filled or recycled). */
    public long walFilesPreallocated() {
        return wal.filesStartedPreallocated();
    }

    /** Reclaimed WAL files kept as spares instead of being deleted. */
    public long walFilesRecycled() {
        return wal.sparesRecycled();
    }

    /** Attempts to preallocate a WAL file that failed (a full disk); the WAL grows files meanwhile. */
    public long walSpareFailures() {
        return wal.spareFailures();
    }

    public long segmentSyncs() {
        return segmentSyncs;
    }

    public long segmentSyncFailures() {
        return segmentSyncFailures;
    }

    public long hardStateRewrites() {
        return hardStateRewrites;
    }

    public long replayGapsSkipped() {
        return replayGaps;
    }

    /** Groups whose deletion finished since open. */
    public long groupsDeleted() {
        return deletions.groupsDeleted();
    }

    /** Attempts to remove a deleted group's files that failed (each is retried). */
    public long groupRemovalFailures() {
        return deletions.removalFailures();
    }

    /** WAL records replay skipped because a later tombstone deleted their group. */
    public long tombstonedRecordsSkipped() {
        return deletions.recordsSkipped();
    }

    public int pendingGroups() {
        return pendingCount();
    }

    public int queuedWrites() {
        return writer.queuedRequests();
    }

    // ============================== close ==============================

    /**
     * Stops the runner (if any), writes what is queued, syncs every dirty segment and closes the
     * files. Writes offered after this answer CLOSED.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        AgentRunner w;
        AgentRunner h;
        synchronized (this) {
            w = walRunner;
            h = housekeeperRunner;
            walRunner = null;
            housekeeperRunner = null;
        }
        if (w != null) {
            w.close();
            h.close();
        }
        deletions.step(); // queues tombstones still waiting for room
        for (int i = 0; i < 1_000_000 && writer.hasWork(); i++) {
            writer.doWork();
        }
        housekeeper.noteDurableOps();
        deletions.step(); // removes the files of groups whose tombstone is now durable
        deletions.failUnfinished();
        List<GroupLog> left;
        synchronized (pending) {
            left = new ArrayList<>(pending);
        }
        for (GroupLog g : left) {
            g.materializeAndSync();
            openSegments.closeEldest();
        }
        for (GroupLog g : groups.values()) {
            g.close();
        }
        wal.close();
    }

    /** Open segment logs (for tests and metrics). */
    public int openSegmentLogs() {
        return openSegments.openCount();
    }

    /** Records durability in each group, then completes the callbacks. */
    private final class Handler implements BatchHandler {

        @Override
        public boolean admit(WriteRequest request) {
            if (request.isTombstone()) {
                return true;
            }
            PendingOp op = (PendingOp) request.callback();
            if (op.group.admit(op)) {
                return true;
            }
            op.onFailed(new IOException("write of group " + op.group.groupId()
                    + " not persisted: an earlier write of the group failed (" + op.group.lastWriteFailure() + ")"));
            return false;
        }

        @Override
        public void onDurable(List<WriteRequest> batch, long fileSeq) {
            for (WriteRequest r : batch) {
                if (r.isTombstone()) {
                    ((GroupDeletions.Deletion) r.callback()).walSeq = fileSeq;
                    continue;
                }
                PendingOp op = (PendingOp) r.callback();
                op.walSeq = fileSeq;
                op.durable = true;
                durableOps.add(op);
            }
            for (WriteRequest r : batch) {
                r.callback().onDurable();
            }
        }

        @Override
        public void onFailed(List<WriteRequest> batch, IOException cause) {
            for (WriteRequest r : batch) {
                if (r.isTombstone()) {
                    continue;
                }
                PendingOp op = (PendingOp) r.callback();
                op.group.onFailed(op, cause);
            }
            for (WriteRequest r : batch) {
                r.callback().onFailed(cause);
            }
        }
    }
}
