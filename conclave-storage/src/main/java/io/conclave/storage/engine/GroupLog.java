package io.conclave.storage.engine;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.raft.storage.MemoryStorage;
import io.conclave.storage.buggify.Buggify;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.wal.WalCodec;
import io.conclave.storage.wal.WalRecord;
import io.conclave.storage.wal.WriteCallback;
import io.conclave.storage.wal.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One group's log on a {@link StorageEngine}: reads from an in-memory tail of written-but-not-yet-
 * materialized entries plus the group's segments; writes go through the engine's shared WAL and
 * are materialized into the segments once durable. Reads and the in-memory effect of writes match
 * {@link MemoryStorage}.
 *
 * <p>A failed write (full disk) fails its callback and every later write of the group still in
 * flight, returns the view to what is durable, and blocks the group's writes until free space is
 * found. The host must then rebuild the group's Raft node from this storage, since the core
 * believes the failed entries were handed to storage.
 *
 * <p>A log that recovery finds corrupt before its tail is <em>lost</em> ({@link GroupState#NEEDS_SNAPSHOT}):
 * it serves an empty log at the group's last snapshot, keeps term and vote, and clamps the commit to
 * the snapshot. It restarts from there: a snapshot from the leader, or entries that follow the last
 * snapshot (the leader's probing finds that index), replace the corrupt segments (the write carries a
 * snapshot mark at the last snapshot, so a crash before the segments are reset replays it). The
 * replica may have acknowledged entries it lost: the host must keep it from voting until it has
 * caught up (the runtime's rejoin), which is why the state stays visible until the first such write.
 *
 * <p>Threads: the group's owner calls the public methods; the engine's agent calls the
 * package-private ones. Both hold this object's monitor, briefly: the housekeeper writes segments
 * outside it ({@link #materializeChunk}).
 */
public final class GroupLog implements LogStorage {

    private final long groupId;
    /** Which incarnation of the group id on this disk (a deleted group's id may be created again). */
    private final long incarnation;
    private final StorageEngine engine;
    private final GroupSegments segments;
    private final GroupSnapshots snapshots;
    private final GroupView view;

    // ---- the view (what reads see) ----
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    private boolean logLost;
    private boolean blocked;
    /** Deletion started: writes answer CLOSED, nothing new goes to the WAL. */
    private boolean deleting;
    /** Deletion done: the files are gone or going; the housekeeper leaves it alone. */
    private boolean deleted;
    private IOException lastWriteFailure;
    private volatile long epoch;
    private long compactIndexToWrite;
    /** Accepted writes not yet materialized, in WAL order; durable ones first. */
    private final ArrayDeque<PendingOp> ops = new ArrayDeque<>();
    /**
     * Entry bytes of the durable ops not yet materialized (a trigger, not an account: it is reset when
     * no durable op is left). At {@link #MATERIALIZE_EARLY_BYTES} the group asks to be materialized
     * ahead of its sync round.
     */
    private long durableHeldBytes;
    /** Whether the group is in the engine's queue of groups to materialize early. */
    private boolean earlyQueued;
    /**
     * Entry bytes of all the ops not yet materialized, durable or not (an estimate kept cheaply;
     * recomputed from {@link #ops} whenever it exceeds the engine's bound, so it can never block by drift).
     */
    private long heldBytes;
    private long heldBackWrites;

    // ---- the materialized state (consistent with the segments) ----
    private long matFirst;
    private long matDummyTerm;
    private HardState matHardState = HardState.EMPTY;
    private Snapshot matSnapshot = Snapshot.EMPTY;
    private boolean matLogLost;
    /** Recovery only: the snapshot store skipped a damaged snapshot newer than the one loaded. */
    private boolean snapshotDamaged;

    private boolean segmentsDirty;
    private boolean startedEmpty;
    /** Whether the group's directories are known durable (a new group's are synced lazily). */
    private volatile boolean dirsDurable;

    // ---- WAL accounting (guarded by this; volatile for the housekeeper's unlocked scans) ----
    /** The oldest WAL file holding a durable write not yet materialized and synced; MAX when none. */
    private volatile long oldestNeededWalSeq = Long.MAX_VALUE;
    /** The WAL file holding the latest durable hard state record; MAX when none. */
    private volatile long hardStateWalSeq = Long.MAX_VALUE;
    private volatile boolean hardStateRewriteInFlight;
    private IOException materializeFailure;
    /**
     * Held while durable ops are written into the segments (the housekeeper) and while a failed write
     * falls back to the materialized state ({@link #onFailed}); taken before this object's monitor,
     * never after it. Guards the {@code mat*} fields and {@code segmentsDirty} together with the
     * housekeeper's confinement: recovery and the housekeeper are the only other writers.
     */
    private final Object materializing = new Object();

    GroupLog(long groupId, long incarnation, StorageEngine engine, GroupSegments segments, GroupSnapshots snapshots,
             boolean dirsDurable) {
        this.dirsDurable = dirsDurable;
        this.groupId = groupId;
        this.incarnation = incarnation;
        this.engine = engine;
        this.segments = segments;
        this.snapshots = snapshots;
        this.view = new GroupView(segments);
    }

    @Override
    public long groupId() {
        return groupId;
    }

    /** The most data one entry may carry; a larger one could never be written. */
    public int entryDataBytesMax() {
        return engine.entryDataBytesMax();
    }

    /** Which incarnation of the group id this is on this disk (0 unless the id was deleted and created again). */
    public long incarnation() {
        return incarnation;
    }

    /** Whether the group's deletion has started ({@link StorageEngine#deleteGroup}). */
    public synchronized boolean isDeleting() {
        return deleting;
    }

    // =============================== reads ===============================

    @Override
    public synchronized InitialState initialState() {
        // As MemoryStorage: the membership at the latest snapshot; a restarted replica re-applies the
        // log's later changes on top of it.
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    @Override
    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        return view.entries(lo, hi, maxBytes);
    }

    @Override
    public synchronized long term(long index) {
        return view.term(index);
    }

    @Override
    public synchronized long firstIndex() {
        return view.firstIndex;
    }

    @Override
    public synchronized long lastIndex() {
        return view.lastIndex;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public synchronized GroupState state() {
        return logLost ? GroupState.NEEDS_SNAPSHOT : blocked ? GroupState.WRITES_BLOCKED : GroupState.WRITABLE;
    }

    /** Why the group's writes are blocked, or null. */
    public synchronized IOException lastWriteFailure() {
        return blocked ? lastWriteFailure : null;
    }

    /** Entries held in memory because they are not yet materialized (for tests and metrics). */
    public synchronized int tailEntries() {
        return view.tailSize();
    }

    // =============================== writes ===============================

    @Override
    public StorageStatus persist(HardState hs, List<Entry> entries, Snapshot snap, WriteCallback callback) {
        Objects.requireNonNull(callback, "callback");
        List<Entry> given = entries == null ? List.of() : entries;
        boolean hasSnap = snap != null && !snap.isEmpty();
        synchronized (this) {
            if (engine.isClosed() || deleting) {
                return StorageStatus.CLOSED;
            }
            if (hasSnap && snapshot.index() >= snap.index()) {
                throw new IllegalStateException("snapshot " + snap.index() + " is older than " + snapshot.index());
            }
            List<Entry> add = hasSnap ? GroupView.admissible(snap.index() + 1, snap.index(), given)
                    : view.admissible(given);
            checkRaftOrder(add, hasSnap ? snap.term() : add.isEmpty() ? 0 : view.term(add.get(0).index() - 1));
            StorageStatus status = probe(add);
            if (status != StorageStatus.OK) {
                return status;
            }
            if (!add.isEmpty() && holdsTooMuch()) {
                return StorageStatus.QUEUE_FULL;
            }
            if (hasSnap) {
                status = saveSnapshot(snap);
                if (status != StorageStatus.OK) {
                    return status;
                }
            }
            // A lost log restarts after its snapshot: the first entries written re-base the segments there.
            boolean rebase = logLost && !hasSnap && !add.isEmpty();
            SnapshotMetadata mark = hasSnap ? snap.metadata() : rebase ? snapshot.metadata() : null;
            long start = mark != null ? mark.index() + 1 : add.isEmpty() ? Long.MAX_VALUE : add.get(0).index();
            PendingOp op = new PendingOp(this, epoch, start, hasSnap ? snap : null, callback);
            op.request = new WriteRequest(groupId, mark, add, hs, compactIndexToWrite, op);
            for (Entry e : add) {
                op.entryBytes += e.data().length;
            }
            if (!engine.offer(op.request)) {
                return StorageStatus.QUEUE_FULL;
            }
            compactIndexToWrite = 0;
            applyToView(op);
            ops.addLast(op);
            heldBytes += op.entryBytes;
        }
        engine.wake();
        return StorageStatus.OK;
    }

    /**
     * Whether this group's entries not yet in its segments reach the engine's bound
     * ({@link StorageEngine#heldBytesMaxPerGroup()}): then writes that add entries answer
     * {@code QUEUE_FULL} (the runtime retries them) until the housekeeper has materialized some. Without
     * it nothing bounded them but the WAL's file count: the WAL acknowledges before the segments are
     * written, and a housekeeper held up by a saturated disk let a busy group's entries pile up on the heap.
     */
    private boolean holdsTooMuch() {
        long max = engine.heldBytesMaxPerGroup();
        if (heldBytes < max) {
            return false;
        }
        long exact = 0;
        for (PendingOp op : ops) {
            exact += op.entryBytes;
        }
        heldBytes = exact;
        if (exact < max) {
            return false;
        }
        heldBackWrites++;
        engine.noteHeldBack();
        if (durableHeldBytes > 0 && !earlyQueued && !deleted) {
            earlyQueued = true; // whatever is durable goes to the segments now, not at the next round
            engine.materializeEarly(this);
        }
        return true;
    }

    /** Writes answered {@code QUEUE_FULL} because the group held too many unmaterialized bytes. */
    public synchronized long heldBackWrites() {
        return heldBackWrites;
    }

    /** Entries must be contiguous with terms never going down, as Raft makes them (the segments insist). */
    private void checkRaftOrder(List<Entry> add, long prevTerm) {
        long term = prevTerm;
        for (int i = 0; i < add.size(); i++) {
            Entry e = add.get(i);
            if (e.term() < term || (i > 0 && e.index() != add.get(i - 1).index() + 1)) {
                throw new IllegalArgumentException("group " + groupId + ": entries must be contiguous with "
                        + "non-decreasing terms after term " + prevTerm + ": " + add);
            }
            term = e.term();
        }
    }

    /** While blocked, a write is a probe: it goes ahead only when the disk has room for it again. */
    private StorageStatus probe(List<Entry> add) {
        if (!blocked) {
            return StorageStatus.OK;
        }
        if (!engine.hasSpaceFor(WalCodec.entriesSizeBytes(add))) {
            return StorageStatus.RESOURCE_EXHAUSTED;
        }
        blocked = false;
        return StorageStatus.OK;
    }

    private StorageStatus saveSnapshot(Snapshot snap) {
        if (Buggify.fire(Buggify.SNAPSHOT_INSTALL_DEFERRED)) {
            return StorageStatus.RESOURCE_EXHAUSTED; // the caller retries, as after a full disk
        }
        try {
            snapshots.save(snap);
            return StorageStatus.OK;
        } catch (DiskFullException e) {
            blocked = true;
            lastWriteFailure = e;
            return StorageStatus.RESOURCE_EXHAUSTED;
        } catch (IOException e) {
            throw new UncheckedIOException("saving snapshot " + snap.index() + " of group " + groupId, e);
        }
    }

    private void applyToView(PendingOp op) {
        WriteRequest r = op.request;
        SnapshotMetadata mark = r.snapshotMark();
        if (mark != null) {
            // An installed snapshot, or the re-base of a lost log at its own snapshot (already the view).
            view.resetTo(mark.index(), mark.term());
            if (op.snapshot != null && op.snapshot.index() > snapshot.index()) { // replayed after a newer one: kept
                snapshot = op.snapshot;
            }
            logLost = false;
        }
        view.append(r.entries());
        if (r.hardState() != null) {
            hardState = r.hardState();
        }
        if (r.compactIndex() > 0) {
            view.compact(Math.min(r.compactIndex(), view.lastIndex));
        }
    }

    @Override
    public synchronized Snapshot createSnapshot(long index, ConfState cs, byte[] data) {
        if (deleting) {
            throw new IllegalStateException("group " + groupId + " is being deleted: no snapshot is stored");
        }
        if (index <= snapshot.index()) {
            throw new IllegalStateException("snapshot at " + index + " is not newer than " + snapshot.index());
        }
        if (index > view.lastIndex) {
            throw new IllegalArgumentException("snapshot index " + index + " beyond last index " + view.lastIndex);
        }
        Snapshot s = new Snapshot(new SnapshotMetadata(index, view.term(index), cs), data);
        try {
            snapshots.save(s);
        } catch (IOException e) {
            throw new UncheckedIOException("saving snapshot " + index + " of group " + groupId, e);
        }
        snapshot = s;
        // Durable now (the store syncs it before it returns), and the log may be compacted behind it: a
        // failed write must not fall back below it (onFailed), or the log would start after the snapshot.
        matSnapshot = s;
        return s;
    }

    @Override
    public void compact(long compactIndex) {
        synchronized (this) {
            if (deleting) {
                return;
            }
            long firstBefore = view.firstIndex;
            view.compact(compactIndex);
            if (view.firstIndex == firstBefore || logLost) {
                return;
            }
            compactIndexToWrite = Math.max(compactIndexToWrite, compactIndex);
            if (blocked) {
                return; // written with the next accepted write
            }
            PendingOp op = new PendingOp(this, epoch, Long.MAX_VALUE, null, PendingOp.NO_CALLBACK);
            op.request = new WriteRequest(groupId, null, List.of(), null, compactIndexToWrite, op);
            if (!engine.offer(op.request)) {
                return; // written with the next accepted write
            }
            compactIndexToWrite = 0;
            ops.addLast(op);
        }
        engine.wake();
    }

    // =========================== agent side ===========================

    /** Whether a request taken off the WAL queue should still be written (an earlier one of its group failed). */
    boolean admit(PendingOp op) {
        return op.epoch == epoch;
    }

    /**
     * Housekeeper: takes note that {@code op} became durable (the writer marked it, without taking
     * this monitor so that a WAL batch never waits for a segment fsync).
     */
    synchronized void noteDurable(PendingOp op) {
        if (op.request.hardState() != null && op.walSeq >= hardStateWalSeqOrZero()) {
            hardStateWalSeq = op.walSeq;
            hardStateRewriteInFlight = false;
        }
        notePending(op.walSeq);
        durableHeldBytes += op.entryBytes;
        boolean early = durableHeldBytes >= MATERIALIZE_EARLY_BYTES || heldBytes >= engine.heldBytesMaxPerGroup();
        if (early && !earlyQueued && !deleted) {
            earlyQueued = true;
            engine.materializeEarly(this);
        }
    }

    /**
     * Housekeeper: writes the durable ops into the segments without syncing them, ahead of the group's
     * sync round, so that a busy group's entries leave the heap within milliseconds of becoming durable
     * rather than after up to a sync interval (where, under load, they outlived young collections and
     * were copied by each). The group stays pending: the WAL still holds them until the round's sync.
     */
    void materializeEarly() {
        synchronized (this) {
            earlyQueued = false;
        }
        while (materializeChunk()) {
            // as in materializeAndSync
        }
    }

    private long hardStateWalSeqOrZero() {
        return hardStateWalSeq == Long.MAX_VALUE ? 0 : hardStateWalSeq;
    }

    private void notePending(long walSeq) {
        if (oldestNeededWalSeq == Long.MAX_VALUE) {
            oldestNeededWalSeq = walSeq;
            engine.notePending(this);
        }
    }

    /**
     * Housekeeper: writes every durable op into the segments and syncs them. Afterwards the group
     * needs no WAL file for its entries any more (unless new writes became durable meanwhile, or this
     * failed: then it stays pending and is retried next round).
     *
     * @return false when materializing or syncing failed
     */
    boolean materializeAndSync() {
        while (materializeChunk()) {
            // the monitor is released between chunks, so the group's writes never wait long
        }
        boolean sync;
        synchronized (this) {
            if (deleted) {
                return true; // nothing to keep: the group is gone
            }
            if (materializeFailure != null) {
                return false;
            }
            sync = segmentsDirty;
            segmentsDirty = false;
        }
        if (sync) {
            // The fsync runs outside this monitor: writes and reads of the group go on meanwhile
            // (only reads of materialized entries wait, on the segments' own monitor).
            try {
                segments.sync();
                if (!dirsDurable) {
                    engine.syncGroupDirs(this);
                    dirsDurable = true;
                }
            } catch (IOException e) {
                synchronized (this) {
                    segmentsDirty = true;
                    materializeFailure = e;
                }
                return false;
            }
        }
        synchronized (this) {
            if (segmentsDirty) {
                return false; // materialized again meanwhile (cannot happen: only this thread does)
            }
            oldestNeededWalSeq = Long.MAX_VALUE;
            engine.removePending(this);
            return true;
        }
    }

    /**
     * Materializes up to {@link #MATERIALIZE_CHUNK_OPS} durable ops; true when more are left.
     *
     * <p>The segment writes run outside this object's monitor, under {@link #materializing} alone: a
     * write into the page cache can stall for hundreds of milliseconds when the kernel throttles dirty
     * pages, and the group's owner (a Raft event loop, which also sends the node's liveness pings)
     * must not wait for it to read its last index. The ops written stay at the head of {@link #ops}
     * and their entries in the view's tail until they are in the segments: only this thread removes
     * durable ops, and {@link #onFailed} (which reads the materialized state) takes the same lock.
     */
    private boolean materializeChunk() {
        List<PendingOp> chunk = new ArrayList<>();
        synchronized (this) {
            materializeFailure = null;
            if (deleted) {
                return false;
            }
            for (PendingOp op : ops) {
                if (!op.durable || chunk.size() == MATERIALIZE_CHUNK_OPS) {
                    break;
                }
                chunk.add(op);
            }
            if (chunk.isEmpty()) {
                durableHeldBytes = 0;
            }
        }
        int done = 0;
        IOException failure = null;
        synchronized (materializing) {
            for (PendingOp op : chunk) {
                try {
                    applyToSegments(op.request, op.snapshot, false);
                } catch (IOException e) {
                    failure = e;
                    break;
                }
                done++;
            }
        }
        synchronized (this) {
            materializeFailure = failure;
            for (int i = 0; i < done; i++) {
                if (ops.pollFirst() != chunk.get(i)) {
                    throw new IllegalStateException("group " + groupId + ": a durable op left the queue while it"
                            + " was being materialized");
                }
                long bytes = chunk.get(i).entryBytes;
                durableHeldBytes = Math.max(0, durableHeldBytes - bytes);
                heldBytes = Math.max(0, heldBytes - bytes);
            }
            long keepFrom = view.lastIndex + 1;
            for (PendingOp op : ops) {
                keepFrom = Math.min(keepFrom, op.start);
                if (keepFrom <= view.tailStart) {
                    break;
                }
            }
            view.trimTailBelow(keepFrom);
            return failure == null && done == MATERIALIZE_CHUNK_OPS && !ops.isEmpty() && ops.peekFirst().durable;
        }
    }

    private static final int MATERIALIZE_CHUNK_OPS = 256;
    /** Durable entry bytes a group holds before it is materialized ahead of its sync round. */
    static final long MATERIALIZE_EARLY_BYTES = 1 << 20;

    /** The oldest WAL file this group still needs for its log; MAX when none. */
    long oldestNeededWalSeq() {
        return oldestNeededWalSeq;
    }

    /** The WAL file holding the group's latest durable hard state; MAX when none. */
    long hardStateWalSeq() {
        return hardStateWalSeq;
    }

    boolean hardStateRewriteInFlight() {
        return hardStateRewriteInFlight;
    }

    /** Closes the segment files (they reopen on next use); the housekeeper's bound on open files. */
    synchronized void releaseSegments() {
        if (deleted) {
            return;
        }
        if (!matLogLost) {
            try {
                // A reopened segment log does not know what this one wrote or created without a sync
                // (file data, directory entries), so it would never sync them: sync before closing.
                segments.sync();
                segmentsDirty = false;
            } catch (IOException e) {
                return; // stays open; the next sync round retries and reports it
            }
        }
        try {
            segments.release();
        } catch (IOException e) {
            // closing only fails on a broken disk; the next use reopens and reports it
        }
    }

    /** A batch holding {@code op} failed: fail it and everything after it, and fall back to what is durable. */
    void onFailed(PendingOp op, IOException cause) {
        synchronized (materializing) {
            synchronized (this) {
                fallBackToDurable(op, cause);
            }
        }
    }

    private void fallBackToDurable(PendingOp op, IOException cause) {
        if (op.epoch != epoch) {
            return;
        }
        epoch++;
        blocked = true;
        lastWriteFailure = cause;
        for (Iterator<PendingOp> it = ops.descendingIterator(); it.hasNext(); ) {
            if (it.next().durable) {
                break;
            }
            it.remove();
        }
        if (matLogLost) {
            view.resetTo(matSnapshot.index(), matSnapshot.term());
        } else {
            view.resetToSegments(matFirst, matDummyTerm);
        }
        hardState = matHardState;
        logLost = matLogLost;
        // The newest durable snapshot: loaded, stored by the state machine (createSnapshot) or installed and
        // materialized. An install whose write failed is not it, even over nothing older (seed 113).
        snapshot = matSnapshot;
        for (PendingOp durable : ops) {
            applyToView(durable);
        }
    }

    /**
     * Rewrites the latest hard state into the active WAL file so that older files can go. Called by
     * the housekeeper when this group's latest hard state record sits in a file about to be reclaimed.
     */
    synchronized boolean rewriteHardState() {
        if (hardState.isEmpty() || hardStateRewriteInFlight || deleting) {
            return false;
        }
        PendingOp op = new PendingOp(this, epoch, Long.MAX_VALUE, null, PendingOp.NO_CALLBACK);
        op.request = new WriteRequest(groupId, null, List.of(), hardState, 0, op);
        if (!engine.offer(op.request)) {
            return false;
        }
        ops.addLast(op);
        hardStateRewriteInFlight = true;
        return true;
    }

    // ============================ materializing ============================

    private void applyToSegments(WriteRequest r, Snapshot snap, boolean replay) throws IOException {
        if (r.snapshotMark() != null || !r.entries().isEmpty() || r.compactIndex() > 0) {
            segmentsDirty = true;
        }
        SnapshotMetadata m = r.snapshotMark();
        if (m != null) {
            segments.reset(m.index(), m.term());
            matFirst = m.index() + 1;
            matDummyTerm = m.term();
            matLogLost = false;
            // A snapshot the state machine stored while this install was queued is newer, and the log may
            // be compacted behind it: the older install must not take its place (FailedSnapshotInstallTest).
            if (snap != null) {
                synchronized (this) { // createSnapshot sets it too, under the monitor alone
                    if (snap.index() > matSnapshot.index()) {
                        matSnapshot = snap;
                    }
                }
            }
        }
        if (!r.entries().isEmpty() && !matLogLost) {
            appendToSegments(r.entries(), replay);
        }
        if (r.hardState() != null) {
            matHardState = r.hardState();
        }
        long c = r.compactIndex();
        if (c > 0 && !matLogLost && c >= matFirst && c <= segments.lastIndex()) {
            matDummyTerm = segments.term(c);
            segments.compactThrough(c);
            matFirst = c + 1;
        }
    }

    private void appendToSegments(List<Entry> es, boolean replay) throws IOException {
        long first = Math.max(matFirst, segments.firstIndex());
        long last = segments.lastIndex();
        long from = es.get(0).index();
        int skip = first > from ? (int) Math.min(es.size(), first - from) : 0;
        if (skip == es.size()) {
            return;
        }
        long start = from + skip;
        boolean fits = start <= last + 1 && es.get(skip).term() >= segments.term(start - 1);
        if (!fits) {
            if (replay) {
                engine.noteReplayGap();
                return; // a later record rewrites this range; see docs/storage-wal.md
            }
            throw new IllegalStateException("group " + groupId + ": materializing at " + start
                    + " does not follow " + last + " (gap or term going down)");
        }
        segments.append(es.subList(skip, es.size()), engine.nowMs());
    }

    // ============================ recovery ============================

    /** A group created just now: empty log, nothing to read from disk. */
    synchronized void startEmpty() throws IOException {
        snapshot = snapshots.load();
        matSnapshot = snapshot;
        matFirst = 1;
        matDummyTerm = 0;
        view.resetTo(0, 0);
        startedEmpty = true;
    }

    /** First step of recovery: what the segments and the snapshot store hold. */
    synchronized void recoverStart() throws IOException {
        snapshot = snapshots.load();
        snapshotDamaged = snapshots.lastLoadSkippedDamaged();
        matSnapshot = snapshot;
        matLogLost = segments.corrupt();
        if (!matLogLost) {
            matFirst = segments.firstIndex();
            matDummyTerm = segments.term(matFirst - 1);
        }
    }

    /** Replays one WAL record (recovery only, before the agent runs). */
    synchronized void replay(WalRecord rec) throws IOException {
        WriteRequest r = switch (rec.kind()) {
            case ENTRIES -> new WriteRequest(groupId, null, WalCodec.getEntries(rec.payload()), null, 0,
                    PendingOp.NO_CALLBACK);
            case HARD_STATE -> new WriteRequest(groupId, null, List.of(), WalCodec.getHardState(rec.payload()), 0,
                    PendingOp.NO_CALLBACK);
            case SNAPSHOT_MARK -> new WriteRequest(groupId, WalCodec.getSnapshotMark(rec.payload()), List.of(), null,
                    0, PendingOp.NO_CALLBACK);
            case TRUNCATE -> new WriteRequest(groupId, null, List.of(), null, WalCodec.getTruncate(rec.payload()),
                    PendingOp.NO_CALLBACK);
            case DELETE_GROUP -> throw new IllegalStateException("group " + groupId
                    + ": a tombstone reached a live incarnation's replay (the engine skips them)");
            case PREALLOCATED -> throw new IllegalStateException("group " + groupId
                    + ": a file's preallocation marker reached a replay (the WAL reader keeps them)");
        };
        applyToSegments(r, null, true);
        if (r.hardState() != null) {
            hardStateWalSeq = rec.fileSeq();
        }
        notePending(rec.fileSeq());
    }

    /** Marks the log lost (corruption found in the WAL after it): it restarts from its last snapshot. */
    synchronized void markLogLost() {
        matLogLost = true;
    }

    /** Last step of recovery: reconcile with the snapshot store and build the view. */
    synchronized void recoverFinish() throws IOException {
        if (startedEmpty) {
            return; // a new group: the view is already the empty log, and no file was opened
        }
        if (!matLogLost && snapshot.index() > segments.lastIndex()) {
            // The snapshot was saved but its WAL mark did not survive: install it now.
            segments.reset(snapshot.index(), snapshot.term());
            matFirst = snapshot.index() + 1;
            matDummyTerm = snapshot.term();
            segmentsDirty = true;
            notePending(engine.activeWalSeq());
        }
        if (!matLogLost && snapshotDamaged && matFirst > snapshot.index() + 1) {
            // The segments start after a snapshot that is gone (its file failed its checksum, so an
            // older one was loaded): nothing can rebuild the state between the two. The log is lost.
            matLogLost = true;
        }
        logLost = matLogLost;
        if (matLogLost) {
            view.resetTo(snapshot.index(), snapshot.term());
            long commit = Math.min(matHardState.commit(), snapshot.index());
            matHardState = new HardState(matHardState.term(), matHardState.vote(), commit);
        } else {
            long s = snapshot.index();
            if (s >= matFirst && s <= segments.lastIndex()) {
                // Segment compaction is logical until whole segments go: compact to the snapshot again.
                matDummyTerm = segments.term(s);
                segments.compactThrough(s);
                matFirst = s + 1;
            }
            view.resetToSegments(matFirst, matDummyTerm);
        }
        hardState = matHardState;
    }

    synchronized void close() throws IOException {
        segments.close();
    }

    // ============================ deletion ============================

    /**
     * First step of a deletion (any thread): from now on writes answer CLOSED and nothing of this
     * group is queued to the WAL, so a tombstone queued after this call follows every record of it.
     *
     * @return false when the deletion had already started
     */
    synchronized boolean beginDelete() {
        if (deleting) {
            return false;
        }
        deleting = true;
        return true;
    }

    /**
     * Housekeeper, once the tombstone is durable: forgets the unmaterialized writes and closes the
     * files, so that they can be removed; the housekeeper's later rounds skip the group.
     */
    synchronized void finishDelete() throws IOException {
        deleted = true;
        ops.clear();
        view.resetTo(0, 0);
        oldestNeededWalSeq = Long.MAX_VALUE;
        hardStateWalSeq = Long.MAX_VALUE;
        segments.close();
    }

    @Override
    public synchronized String toString() {
        return "GroupLog[" + groupId + (incarnation == 0 ? "" : "." + incarnation) + " " + state() + " [" + view.firstIndex + ", " + view.lastIndex + "] tail "
                + view.tailSize() + " hs " + hardState + "]";
    }
}
