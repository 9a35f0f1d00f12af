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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The storage of one data directory: one shared WAL and the logs of many groups.
 *
 * <p>Layout under {@code root}: {@code wal/} (the WAL files), {@code groups/<groupId>/log/} (segments)
 * and {@code groups/<groupId>/snap/} (the snapshot store).
 *
 * <p>The engine is an {@link Agent}: each {@link #doWork()} writes one group-commit batch, then does
 * housekeeping: retries failed materializations, syncs dirty segments (lazily, every
 * {@code segmentSyncIntervalMs} of the injected clock, or at once when the WAL grows past
 * {@code walFilesSoftMax} files), rewrites hard states that pin old WAL files, reclaims WAL files no
 * group needs, and reports laggards. {@link #startRunner()} gives it a thread; the simulator calls
 * {@code doWork()} itself.
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

    // ---- agent thread only ----
    private final LinkedHashSet<GroupLog> dirty = new LinkedHashSet<>();
    private final LinkedHashSet<GroupLog> materializeBacklog = new LinkedHashSet<>();
    private final Set<Long> laggardSet = new TreeSet<>();
    private long lastSegmentSyncMs;
    private int syncRoundLeft;
    private long replayGaps;

    // ---- read by any thread ----
    private volatile List<Long> laggards = List.of();
    private volatile long laggardReports;
    private volatile long segmentSyncs;
    private volatile long segmentSyncFailures;
    private volatile long walFilesReclaimed;
    private volatile long hardStateRewrites;
    private volatile SnapshotRequestListener snapshotRequests = id -> { };
    private volatile Runnable waker = () -> { };
    private volatile boolean closed;
    private AgentRunner runner;

    private StorageEngine(Disk disk, String root, EngineConfig config, LongSupplier clockMs) {
        this.disk = disk;
        this.root = DiskPaths.check(root);
        this.config = config.validate();
        this.clockMs = clockMs;
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

    private void recover() throws IOException {
        disk.mkdirs(groupsDir());
        for (String name : disk.list(groupsDir())) {
            long id;
            try {
                id = Long.parseLong(name);
            } catch (NumberFormatException ex) {
                continue;
            }
            openGroupFiles(id).recoverStart();
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
        }
        writer = new GroupCommitWriter(wal, config.wal(), new Handler());
        lastSegmentSyncMs = clockMs.getAsLong();
    }

    private void replay(WalRecord rec) {
        try {
            GroupLog g = groups.get(rec.groupId());
            if (g == null) {
                g = openGroupFiles(rec.groupId());
                g.recoverStart();
            }
            g.replay(rec);
        } catch (IOException ex) {
            throw new UncheckedIOException("replaying WAL record of group " + rec.groupId() + " in file "
                    + rec.fileSeq() + " at " + rec.offset(), ex);
        }
    }

    private GroupLog openGroupFiles(long id) throws IOException {
        String dir = DiskPaths.join(groupsDir(), Long.toString(id));
        boolean fresh = !disk.exists(dir);
        disk.mkdirs(dir);
        if (fresh) {
            disk.syncDir(groupsDir());
        }
        GroupSegments segments = SegmentLogSegments.open(disk, DiskPaths.join(dir, "log"), config.segment());
        GroupSnapshots snapshots = StoreSnapshots.open(disk, DiskPaths.join(dir, "snap"));
        GroupLog g = new GroupLog(id, this, segments, snapshots);
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
     * @throws IllegalStateException when the group exists
     */
    public synchronized GroupLog createGroup(long groupId, ConfState initial) throws IOException {
        if (groups.containsKey(groupId)) {
            throw new IllegalStateException("group " + groupId + " already exists");
        }
        GroupLog g = openGroupFiles(groupId);
        if (initial != null && !initial.allMembers().isEmpty()) {
            Snapshot boot = new Snapshot(new SnapshotMetadata(0, 0, initial), null);
            StoreSnapshots.open(disk, DiskPaths.join(DiskPaths.join(groupsDir(), Long.toString(groupId)), "snap"))
                    .save(boot);
        }
        g.recoverStart();
        g.recoverFinish();
        return g;
    }

    public Set<Long> groupIds() {
        return new TreeSet<>(groups.keySet());
    }

    // ============================== agent ==============================

    @Override
    public int doWork() {
        int work = writer.doWork();
        work += retryMaterializations();
        work += syncSegments();
        work += reclaim();
        return work;
    }

    @Override
    public boolean hasWork() {
        return writer.hasWork() || (!dirty.isEmpty() && syncDue());
    }

    /** Gives the engine a thread of its own; {@link #close()} stops it. */
    public synchronized AgentRunner startRunner() {
        if (runner != null) {
            throw new IllegalStateException("runner already started");
        }
        long parkNs = TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(config.segmentSyncIntervalMs(), 100)));
        runner = new AgentRunner(this, "storage-" + (root.isEmpty() ? "root" : root), parkNs);
        AgentRunner r = runner;
        waker = r::wake;
        return r.start();
    }

    boolean offer(WriteRequest request) {
        return writer.offer(request);
    }

    void wake() {
        waker.run();
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

    void noteDirty(GroupLog g) {
        dirty.add(g);
    }

    void noteMaterializeBacklog(GroupLog g) {
        materializeBacklog.add(g);
    }

    void noteReplayGap() {
        replayGaps++;
    }

    private int retryMaterializations() {
        if (materializeBacklog.isEmpty() || !syncDue()) {
            return 0;
        }
        int work = 0;
        for (Iterator<GroupLog> it = materializeBacklog.iterator(); it.hasNext(); ) {
            GroupLog g = it.next();
            g.materialize();
            if (g.materializeFailure == null) {
                it.remove();
                work++;
            }
        }
        return work;
    }

    private boolean syncDue() {
        return clockMs.getAsLong() - lastSegmentSyncMs >= config.segmentSyncIntervalMs()
                || wal.fileCount() > config.walFilesSoftMax();
    }

    /** Syncs the segments of dirty groups, oldest first, a bounded number per step. */
    private int syncSegments() {
        if (syncRoundLeft == 0) {
            if (dirty.isEmpty() || !syncDue()) {
                return 0;
            }
            syncRoundLeft = dirty.size();
            lastSegmentSyncMs = clockMs.getAsLong();
        }
        int synced = 0;
        int failed = 0;
        Iterator<GroupLog> it = dirty.iterator();
        while (it.hasNext() && syncRoundLeft > 0 && synced + failed < config.segmentSyncsPerStepMax()) {
            GroupLog g = it.next();
            syncRoundLeft--;
            try {
                g.syncSegments();
                it.remove();
                synced++;
            } catch (IOException e) {
                failed++;
            }
        }
        if (!it.hasNext()) {
            syncRoundLeft = 0;
        }
        segmentSyncs += synced;
        segmentSyncFailures += failed;
        return synced;
    }

    /** The oldest WAL file some group still needs for its entries; the active file when none. */
    private long oldestNeededWalSeq() {
        long oldest = wal.activeSeq();
        if (!dirty.isEmpty()) {
            oldest = Math.min(oldest, dirty.iterator().next().oldestUnsyncedWalSeq);
        }
        for (GroupLog g : materializeBacklog) {
            oldest = Math.min(oldest, g.oldestUnmaterializedWalSeq());
        }
        return oldest;
    }

    /** Deletes the WAL files no group needs, after rewriting hard states that still live in them. */
    private int reclaim() {
        if (wal.fileCount() <= 1 || syncRoundLeft > 0) {
            return 0;
        }
        long candidate = oldestNeededWalSeq();
        updateLaggards(candidate);
        if (candidate <= wal.firstSeq()) {
            return 0;
        }
        boolean pinned = false;
        for (GroupLog g : groups.values()) {
            if (g.hardStateWalSeq < candidate) {
                pinned = true;
                if (!g.hardStateRewriteInFlight && g.rewriteHardState()) {
                    hardStateRewrites++;
                }
            }
        }
        if (pinned) {
            return 0;
        }
        try {
            int n = wal.reclaimBefore(candidate);
            walFilesReclaimed += n;
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    private void updateLaggards(long oldestNeeded) {
        long threshold = wal.activeSeq() - config.laggardFilesBehind();
        List<Long> now = new ArrayList<>();
        if (oldestNeeded <= threshold) {
            for (GroupLog g : dirty) {
                if (g.oldestUnsyncedWalSeq > threshold) {
                    break;
                }
                now.add(g.groupId());
            }
            for (GroupLog g : materializeBacklog) {
                if (g.oldestUnmaterializedWalSeq() <= threshold) {
                    now.add(g.groupId());
                }
            }
        }
        for (long id : now) {
            if (laggardSet.add(id)) {
                laggardReports++;
                snapshotRequests.onSnapshotRequested(id);
            }
        }
        laggardSet.retainAll(now);
        laggards = List.copyOf(laggardSet);
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
        AgentRunner r;
        synchronized (this) {
            r = runner;
            runner = null;
        }
        if (r != null) {
            r.close();
        }
        for (int i = 0; i < 1_000_000 && writer.hasWork(); i++) {
            writer.doWork();
        }
        for (GroupLog g : dirty) {
            g.syncSegments();
        }
        dirty.clear();
        for (GroupLog g : groups.values()) {
            g.close();
        }
        wal.close();
    }

    /** Completes the callbacks of WAL batches after materializing them. */
    private final class Handler implements BatchHandler {

        @Override
        public boolean admit(WriteRequest request) {
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
                PendingOp op = (PendingOp) r.callback();
                op.group.onDurable(op, fileSeq);
            }
            for (WriteRequest r : batch) {
                r.callback().onDurable();
            }
        }

        @Override
        public void onFailed(List<WriteRequest> batch, IOException cause) {
            for (WriteRequest r : batch) {
                PendingOp op = (PendingOp) r.callback();
                op.group.onFailed(op, cause);
            }
            for (WriteRequest r : batch) {
                r.callback().onFailed(cause);
            }
        }
    }
}
