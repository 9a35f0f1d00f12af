package io.conclave.storage.engine;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.wal.WalConfig;
import io.conclave.storage.wal.WalCodec;
import io.conclave.storage.wal.WalLog;
import io.conclave.storage.wal.WalRecordKind;
import io.conclave.storage.wal.WriteCallback;
import io.conclave.storage.wal.WriteRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Durable deletion of groups (docs/storage-wal.md, "Deleting a group"). A deletion writes a
 * tombstone ({@code DELETE_GROUP}) through the group commit after every record of the group, and
 * once it is durable removes the group's directory (files, then directories, each directory synced
 * before it goes) and syncs {@code groups/}. Replay skips every record of a group older than its last
 * tombstone and removes a directory the tombstone names; the tombstone's WAL file stays until the
 * removal is durable ({@link #oldestPinnedWalSeq}). A group id can be created again: the new
 * incarnation lives in {@code groups/<id>.<incarnation>}, so its directory is never mistaken for
 * the deleted one.
 *
 * <p>Threads: {@link #start} under the engine's monitor from any thread; the WAL thread completes the
 * tombstones' callbacks; {@link #step} on the housekeeper.
 */
final class GroupDeletions {

    /** The last tombstone of a group id still in the WAL: where it is and which incarnation it deleted. */
    record Tombstone(long incarnation, long walSeq, long offset) {

        /** Whether a record of the group at (seq, offset) is older than this tombstone (or is it). */
        boolean covers(long seq, long recordOffset) {
            return seq < walSeq || (seq == walSeq && recordOffset <= offset);
        }
    }

    /** One deletion, from {@link #start} until the group's files are gone. */
    final class Deletion implements WriteCallback {
        final GroupLog group;
        final WriteRequest request;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** The WAL file holding the tombstone; 0 until durable. Set by the batch handler before onDurable. */
        volatile long walSeq;
        volatile IOException lastFailure;

        Deletion(GroupLog group) {
            this.group = group;
            this.request = WriteRequest.deleteGroup(group.groupId(), group.incarnation(), this);
        }

        @Override
        public void onDurable() {
            durable.add(this);
            engine.wakeHousekeeper();
        }

        @Override
        public void onFailed(IOException cause) {
            lastFailure = cause;
            toOffer.add(this); // the group is still intact on disk: write the tombstone again
            engine.wakeHousekeeper();
        }
    }

    private final Disk disk;
    private final String groupsDir;
    private final StorageEngine engine;
    private final ConcurrentHashMap<Long, Deletion> inProgress = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Deletion> toOffer = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Deletion> durable = new ConcurrentLinkedQueue<>();
    /** Durable tombstones whose file removal failed; retried every step (housekeeper only). */
    private final List<Deletion> unfinished = new ArrayList<>();
    /** Guarded by itself. */
    private final Map<Long, Tombstone> tombstones = new HashMap<>();

    private volatile long groupsDeleted;
    private volatile long removalFailures;
    private volatile long recordsSkipped;

    GroupDeletions(Disk disk, String groupsDir, StorageEngine engine) {
        this.disk = disk;
        this.groupsDir = groupsDir;
        this.engine = engine;
    }

    // ================================ naming ================================

    /** {@code groups/<id>} for incarnation 0, {@code groups/<id>.<incarnation>} after that. */
    String dirOf(long groupId, long incarnation) {
        return DiskPaths.join(groupsDir, dirName(groupId, incarnation));
    }

    static String dirName(long groupId, long incarnation) {
        return incarnation == 0 ? Long.toString(groupId) : groupId + "." + incarnation;
    }

    /** (group id, incarnation) of a directory name under {@code groups/}, or null when it is not one of ours. */
    static long[] parseDirName(String name) {
        int dot = name.indexOf('.');
        try {
            long id = Long.parseLong(dot < 0 ? name : name.substring(0, dot));
            long inc = dot < 0 ? 0 : Long.parseLong(name.substring(dot + 1));
            return inc < 0 || !name.equals(dirName(id, inc)) ? null : new long[] {id, inc};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ================================ recovery ================================

    /** The last tombstone of every group in the WAL's good records (read ahead of the replay). */
    static Map<Long, Tombstone> scan(Disk disk, String walDir, WalConfig config) throws IOException {
        Map<Long, Tombstone> last = new HashMap<>();
        if (!disk.exists(walDir)) {
            return last;
        }
        WalLog.peek(disk, walDir, config, rec -> {
            if (rec.kind() == WalRecordKind.DELETE_GROUP) {
                last.put(rec.groupId(), new Tombstone(WalCodec.getDeleteGroup(rec.payload()), rec.fileSeq(),
                        rec.offset()));
            }
        });
        return last;
    }

    /**
     * Opening: removes the directories of deleted incarnations (a crash may have stopped a removal
     * half-way) and returns the live incarnation of every other group directory.
     */
    Map<Long, Long> recoverDirs(Map<Long, Tombstone> found) throws IOException {
        synchronized (tombstones) {
            tombstones.putAll(found);
        }
        Map<Long, Long> live = new HashMap<>();
        boolean removed = false;
        for (String name : disk.list(groupsDir)) {
            long[] idInc = parseDirName(name);
            if (idInc == null) {
                continue;
            }
            Tombstone t = found.get(idInc[0]);
            if (t != null && idInc[1] <= t.incarnation()) {
                deleteTree(DiskPaths.join(groupsDir, name));
                removed = true;
            } else {
                live.merge(idInc[0], idInc[1], Math::max);
            }
        }
        if (removed) {
            disk.syncDir(groupsDir);
        }
        return live;
    }

    /** Whether replay must skip a record of {@code groupId} at (seq, offset): it predates the group's last tombstone. */
    boolean skipsOnReplay(long groupId, long seq, long offset) {
        Tombstone t;
        synchronized (tombstones) {
            t = tombstones.get(groupId);
        }
        if (t != null && t.covers(seq, offset)) {
            recordsSkipped++;
            return true;
        }
        return false;
    }

    /** The incarnation a group id gets when created (or first replayed) now. */
    long nextIncarnation(long groupId) {
        synchronized (tombstones) {
            Tombstone t = tombstones.get(groupId);
            return t == null ? 0 : t.incarnation() + 1;
        }
    }

    // ================================ deleting ================================

    boolean isDeleting(long groupId) {
        return inProgress.containsKey(groupId);
    }

    /** Starts deleting {@code g} (called holding the engine's monitor); idempotent while it runs. */
    CompletableFuture<Void> start(GroupLog g) {
        Deletion running = inProgress.get(g.groupId());
        if (running != null) {
            return running.done;
        }
        Deletion d = new Deletion(g);
        inProgress.put(g.groupId(), d);
        g.beginDelete(); // no write of the group is queued after this: the tombstone follows them all
        if (engine.offer(d.request)) {
            engine.wake();
        } else {
            toOffer.add(d);
            engine.wakeHousekeeper();
        }
        return d.done;
    }

    boolean hasWork() {
        return !toOffer.isEmpty() || !durable.isEmpty() || !unfinished.isEmpty();
    }

    /** Housekeeper: queues tombstones that wait for room, then removes the files of groups whose tombstone is durable. */
    int step() {
        int work = 0;
        for (int n = toOffer.size(); n > 0; n--) {
            Deletion d = toOffer.poll();
            if (d == null) {
                break;
            }
            if (!engine.offer(d.request)) {
                toOffer.add(d);
                break;
            }
            engine.wake();
            work++;
        }
        for (Deletion d = durable.poll(); d != null; d = durable.poll()) {
            unfinished.add(d);
        }
        for (Iterator<Deletion> it = unfinished.iterator(); it.hasNext(); ) {
            Deletion d = it.next();
            work++;
            if (finish(d)) {
                it.remove();
            }
        }
        return work;
    }

    /** Removes the group's files; false (retried next step, its tombstone file kept) when the disk failed. */
    private boolean finish(Deletion d) {
        GroupLog g = d.group;
        try {
            g.finishDelete();
            engine.forget(g);
            deleteTree(dirOf(g.groupId(), g.incarnation()));
            disk.syncDir(groupsDir);
        } catch (IOException e) {
            d.lastFailure = e;
            removalFailures++;
            return false;
        }
        synchronized (tombstones) {
            tombstones.put(g.groupId(), new Tombstone(g.incarnation(), d.walSeq, Long.MAX_VALUE));
        }
        inProgress.remove(g.groupId(), d);
        groupsDeleted++;
        d.done.complete(null);
        return true;
    }

    /**
     * Deletes a file, or a directory and everything under it; each directory is synced before it goes,
     * so no removal of a file inside it can be undone by a crash once the directory is gone.
     */
    void deleteTree(String path) throws IOException {
        List<String> names = disk.list(path);
        for (String name : names) {
            deleteTree(DiskPaths.join(path, name));
        }
        if (!names.isEmpty()) {
            disk.syncDir(path);
        }
        disk.delete(path);
    }

    /** The oldest WAL file holding a durable tombstone whose removal is not done; MAX when none. */
    long oldestPinnedWalSeq() {
        long min = Long.MAX_VALUE;
        for (Deletion d : inProgress.values()) {
            long seq = d.walSeq;
            if (seq > 0) {
                min = Math.min(min, seq);
            }
        }
        return min;
    }

    /** Forgets tombstones whose WAL file was reclaimed (replay will never see them, nor the records they cover). */
    void pruneBefore(long firstWalSeq) {
        synchronized (tombstones) {
            tombstones.values().removeIf(t -> t.walSeq() < firstWalSeq);
        }
    }

    /** At close: deletions whose tombstone never became durable fail (the group stays on disk, intact). */
    void failUnfinished() {
        for (Deletion d : inProgress.values()) {
            d.done.completeExceptionally(new IOException("storage closed before the deletion of group "
                    + d.group.groupId() + " was durable" + (d.lastFailure == null ? "" : " (" + d.lastFailure + ")")));
        }
    }

    long groupsDeleted() {
        return groupsDeleted;
    }

    long removalFailures() {
        return removalFailures;
    }

    long recordsSkipped() {
        return recordsSkipped;
    }
}
