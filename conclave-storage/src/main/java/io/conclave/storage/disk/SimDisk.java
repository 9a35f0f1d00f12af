package io.conclave.storage.disk;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory {@link Disk} for the deterministic simulator and for crash tests. It tracks, per file,
 * which bytes were made durable by {@link FileHandle#sync()} and which writes came after, and per
 * directory which entry changes (create, rename, delete) {@link #syncDir} made durable. {@link #crash()}
 * returns the disk power loss would leave: durable data, plus a seeded prefix of each file's unsynced
 * writes (the last kept one possibly torn), and a seeded prefix of each directory's unsynced entry changes.
 *
 * <p>Faults, each settable at any time: {@link #setCapacityBytes capacity} (writes past it throw
 * {@link DiskFullException}), {@link #setFsyncLatencyNs fsync latency} (the disk has no clock; the
 * simulator reads {@link #fsyncLatencyNs()} and charges it), {@link #failReads read errors} on a path,
 * {@link #failSyncs fsync errors} (which drop the unsynced writes), {@link #flipBit bit flips} and
 * {@link #cutFile truncations} of durable content. Counters of fsyncs and
 * bytes written are kept across crashes. Directories themselves are durable as soon as they are made; a
 * rename within one directory is one atomic entry change, across directories it is two.
 *
 * <p>Every method is synchronized on the disk; all randomness comes from the seed.
 */
public final class SimDisk implements Disk {

    /**
     * A directory entry change not yet made durable: {@code path} now names {@code file}, or nothing when
     * {@code file == null}; a rename within one directory also removes {@code renamedFrom} in the same step.
     */
    private record DirOp(String path, SimFile file, String renamedFrom) {
    }

    private final SplittableRandom random;
    private final TreeMap<String, SimFile> files = new TreeMap<>();
    private final TreeMap<String, SimFile> durableFiles = new TreeMap<>();
    private final TreeMap<String, List<DirOp>> pendingDirOps = new TreeMap<>();
    private final TreeSet<String> dirs = new TreeSet<>();
    private final Set<String> failingReads = new HashSet<>();
    private final Set<String> failingSyncs = new HashSet<>();
    private long capacityBytes = Long.MAX_VALUE;
    private long usedBytes;
    private long fsyncLatencyNs;
    private long fileSyncCount;
    private long dirSyncCount;
    private long bytesWritten;
    private boolean crashed;
    private long mutationsUntilPowerOff = Long.MAX_VALUE;
    private int pendingOpsMax = 1024;

    public SimDisk(long seed) {
        this(new SplittableRandom(seed));
    }

    private SimDisk(SplittableRandom random) {
        this.random = random;
        dirs.add("");
    }

    // ---- faults and counters -------------------------------------------------------------------

    /** Writes that would make the files' total size exceed this throw {@link DiskFullException}. */
    public synchronized void setCapacityBytes(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes < 0: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    public synchronized long capacityBytes() {
        return capacityBytes;
    }

    /** The total size of the live files. */
    public synchronized long usedBytes() {
        return usedBytes;
    }

    public synchronized void setFsyncLatencyNs(long fsyncLatencyNs) {
        if (fsyncLatencyNs < 0) {
            throw new IllegalArgumentException("fsyncLatencyNs < 0: " + fsyncLatencyNs);
        }
        this.fsyncLatencyNs = fsyncLatencyNs;
    }

    /** How long each fsync (file or directory) should take in simulated time. */
    public synchronized long fsyncLatencyNs() {
        return fsyncLatencyNs;
    }

    /**
     * How many unsynced writes and truncations a file keeps before the older half is written back (made
     * durable) as background writeback would; bounds memory. Default 1024.
     */
    public synchronized void setPendingOpsMax(int pendingOpsMax) {
        if (pendingOpsMax < 1) {
            throw new IllegalArgumentException("pendingOpsMax < 1: " + pendingOpsMax);
        }
        this.pendingOpsMax = pendingOpsMax;
    }

    /** Reads through any handle on {@code path} throw an {@link IOException} until {@link #healReads}. */
    public synchronized void failReads(String path) {
        failingReads.add(DiskPaths.check(path));
    }

    public synchronized void healReads(String path) {
        failingReads.remove(path);
    }

    /**
     * Syncs through any handle on {@code path} fail with an {@link IOException} until {@link #healSyncs}, and
     * each failure drops the file's unsynced writes, as Linux does when writeback fails (the pages are
     * marked clean): reads then see the durable bytes.
     */
    public synchronized void failSyncs(String path) {
        failingSyncs.add(DiskPaths.check(path));
    }

    public synchronized void healSyncs(String path) {
        failingSyncs.remove(path);
    }

    /**
     * Flips one seeded bit of the file's durable content (and of its current content).
     *
     * @return the byte position of the flipped bit
     * @throws IllegalArgumentException when the file is missing or has no durable bytes
     */
    public synchronized long flipBit(String path) {
        SimFile f = requireFile(path);
        if (f.durableSize() == 0) {
            throw new IllegalArgumentException("no durable bytes to flip in " + path);
        }
        long bit = random.nextLong(f.durableSize() * 8L);
        f.flipBit(bit);
        return bit >>> 3;
    }

    /** Flips bit {@code bitInByte} (0-7) of byte {@code pos} of the file, durably. */
    public synchronized void flipBit(String path, long pos, int bitInByte) {
        requireFile(path).flipBit(pos * 8 + (bitInByte & 7));
    }

    /** Cuts the file at {@code size} bytes, durably (a fault, not a caller's truncation). */
    public synchronized void cutFile(String path, long size) {
        SimFile f = requireFile(path);
        long before = f.size();
        f.cut(size);
        usedBytes -= before - f.size();
    }

    /** File syncs plus directory syncs. */
    public synchronized long fsyncCount() {
        return fileSyncCount + dirSyncCount;
    }

    public synchronized long fileSyncCount() {
        return fileSyncCount;
    }

    public synchronized long dirSyncCount() {
        return dirSyncCount;
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** Whether the file at {@code path} has writes that a crash could lose. */
    public synchronized boolean hasUnsyncedWrites(String path) {
        return requireFile(path).hasUnsynced();
    }

    /**
     * Cuts the power after {@code mutations} more changes (writes, truncations, syncs, creations, renames,
     * deletions, directory syncs): the next one and every call after it throw an {@link IOException}, so a
     * test can stop the storage code in the middle of an operation and then {@link #crash()}.
     */
    public synchronized void powerOffAfter(long mutations) {
        if (mutations < 0) {
            throw new IllegalArgumentException("mutations < 0: " + mutations);
        }
        mutationsUntilPowerOff = mutations;
    }

    /** Whether {@link #powerOffAfter} has cut the power. */
    public synchronized boolean poweredOff() {
        return mutationsUntilPowerOff < 0;
    }

    private void mutation() throws IOException {
        checkAlive();
        if (mutationsUntilPowerOff == Long.MAX_VALUE) {
            return;
        }
        if (mutationsUntilPowerOff <= 0) {
            mutationsUntilPowerOff = -1;
            throw new IOException("simulated power loss");
        }
        mutationsUntilPowerOff--;
    }

    // ---- crash ---------------------------------------------------------------------------------

    /**
     * Power loss. This disk is dead afterwards (every call and handle throws); the returned disk holds
     * what survived, with the same faults, counters and random stream.
     */
    public synchronized SimDisk crash() {
        if (crashed) {
            throw new IllegalStateException("this simulated disk has already crashed");
        }
        crashed = true;
        TreeMap<String, SimFile> names = new TreeMap<>(durableFiles);
        for (List<DirOp> ops : pendingDirOps.values()) {
            int kept = random.nextInt(ops.size() + 1);
            for (int i = 0; i < kept; i++) {
                apply(names, ops.get(i));
            }
        }
        SimDisk after = new SimDisk(random.split());
        after.dirs.addAll(dirs);
        Map<SimFile, SimFile> survivors = new IdentityHashMap<>();
        for (Map.Entry<String, SimFile> e : names.entrySet()) {
            SimFile f = survivors.computeIfAbsent(e.getValue(), old -> {
                SimFile n = old.afterCrash(random);
                after.usedBytes += n.size();
                return n;
            });
            f.links++;
            after.files.put(e.getKey(), f);
            after.durableFiles.put(e.getKey(), f);
        }
        after.capacityBytes = capacityBytes;
        after.pendingOpsMax = pendingOpsMax;
        after.fsyncLatencyNs = fsyncLatencyNs;
        after.failingReads.addAll(failingReads);
        after.failingSyncs.addAll(failingSyncs);
        after.fileSyncCount = fileSyncCount;
        after.dirSyncCount = dirSyncCount;
        after.bytesWritten = bytesWritten;
        return after;
    }

    private static void apply(TreeMap<String, SimFile> names, DirOp op) {
        if (op.file == null) {
            names.remove(op.path);
        } else {
            names.put(op.path, op.file);
        }
        if (op.renamedFrom != null) {
            names.remove(op.renamedFrom);
        }
    }

    // ---- Disk ----------------------------------------------------------------------------------

    @Override
    public synchronized FileHandle open(String path, OpenMode mode) throws IOException {
        checkAlive();
        DiskPaths.check(path);
        SimFile f = files.get(path);
        if (f == null) {
            if (!mode.creates()) {
                throw new FileNotFoundException("no such file: " + path);
            }
            requireDir(DiskPaths.parent(path));
            mutation();
            if (dirs.contains(path)) {
                throw new IOException("is a directory: " + path);
            }
            f = new SimFile();
            link(path, f);
        } else if (mode == OpenMode.CREATE_NEW) {
            throw new FileAlreadyExistsException(path);
        }
        f.opens++;
        return new Handle(path, f, mode.writable());
    }

    @Override
    public synchronized boolean exists(String path) {
        DiskPaths.check(path);
        return files.containsKey(path) || dirs.contains(path);
    }

    @Override
    public synchronized List<String> list(String dir) throws IOException {
        checkAlive();
        DiskPaths.check(dir);
        TreeSet<String> names = new TreeSet<>();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        for (String p : files.tailMap(prefix, true).keySet()) {
            if (!p.startsWith(prefix)) {
                break;
            }
            addChild(names, p.substring(prefix.length()));
        }
        for (String p : dirs.tailSet(prefix, false)) {
            if (!p.startsWith(prefix)) {
                break;
            }
            addChild(names, p.substring(prefix.length()));
        }
        return new ArrayList<>(names);
    }

    private static void addChild(TreeSet<String> names, String rest) {
        int slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : rest.substring(0, slash));
    }

    @Override
    public synchronized boolean delete(String path) throws IOException {
        mutation();
        DiskPaths.check(path);
        if (files.containsKey(path)) {
            unlink(path);
            return true;
        }
        if (dirs.contains(path) && !path.isEmpty()) {
            if (!list(path).isEmpty()) {
                throw new IOException("cannot delete non-empty directory " + path);
            }
            dirs.remove(path);
            return true;
        }
        return false;
    }

    @Override
    public synchronized void rename(String from, String to) throws IOException {
        mutation();
        SimFile f = files.get(DiskPaths.check(from));
        if (f == null) {
            throw new FileNotFoundException("no such file: " + from);
        }
        requireDir(DiskPaths.parent(DiskPaths.check(to)));
        if (from.equals(to)) {
            return;
        }
        if (!DiskPaths.parent(from).equals(DiskPaths.parent(to))) {
            // Across directories the two entries become durable separately, as on a real file system.
            if (files.containsKey(to)) {
                unlink(to);
            }
            link(to, f);
            unlink(from);
            return;
        }
        SimFile replaced = files.put(to, f);
        files.remove(from);
        if (replaced != null) {
            replaced.links--;
            release(replaced);
        }
        pendingDirOps.computeIfAbsent(DiskPaths.parent(to), d -> new ArrayList<>()).add(new DirOp(to, f, from));
    }

    @Override
    public synchronized void mkdirs(String dir) throws IOException {
        checkAlive();
        DiskPaths.check(dir);
        for (String d = dir; !d.isEmpty(); d = DiskPaths.parent(d)) {
            if (files.containsKey(d)) {
                throw new IOException("not a directory: " + d);
            }
            dirs.add(d);
        }
    }

    @Override
    public synchronized void syncDir(String dir) throws IOException {
        mutation();
        requireDir(DiskPaths.check(dir));
        List<DirOp> ops = pendingDirOps.remove(dir);
        if (ops != null) {
            for (DirOp op : ops) {
                apply(durableFiles, op);
            }
        }
        dirSyncCount++;
    }

    @Override
    public synchronized long usableBytes() {
        return Math.max(0, capacityBytes - usedBytes);
    }

    @Override
    public synchronized String toString() {
        return "SimDisk[" + files.size() + " files, " + usedBytes + " bytes]";
    }

    // ---- internals -----------------------------------------------------------------------------

    private void link(String path, SimFile f) {
        files.put(path, f);
        f.links++;
        if (f.links == 1 && f.opens == 0) {
            usedBytes += f.size();
        }
        pendingDirOps.computeIfAbsent(DiskPaths.parent(path), d -> new ArrayList<>()).add(new DirOp(path, f, null));
    }

    private void unlink(String path) {
        SimFile f = files.remove(path);
        f.links--;
        release(f);
        pendingDirOps.computeIfAbsent(DiskPaths.parent(path), d -> new ArrayList<>()).add(new DirOp(path, null, null));
    }

    private void release(SimFile f) {
        if (f.links == 0 && f.opens == 0) {
            usedBytes -= f.size();
        }
    }

    private void requireDir(String dir) throws IOException {
        if (!dirs.contains(dir)) {
            throw new FileNotFoundException("no such directory: '" + dir + "'");
        }
    }

    private SimFile requireFile(String path) {
        SimFile f = files.get(path);
        if (f == null) {
            throw new IllegalArgumentException("no such file: " + path);
        }
        return f;
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException("simulated disk has crashed; use the disk returned by crash()");
        }
        if (mutationsUntilPowerOff < 0) {
            throw new IOException("simulated power loss");
        }
    }

    private final class Handle implements FileHandle {
        private final String path;
        private final SimFile file;
        private final boolean writable;
        private boolean closed;

        Handle(String path, SimFile file, boolean writable) {
            this.path = path;
            this.file = file;
            this.writable = writable;
        }

        @Override
        public String path() {
            return path;
        }

        private void check(boolean write) throws IOException {
            if (write) {
                mutation();
            } else {
                checkAlive();
            }
            if (closed) {
                throw new IOException("handle on " + path + " is closed");
            }
            if (write && !writable) {
                throw new IOException(path + " is open read-only");
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (SimDisk.this) {
                check(false);
                return file.size();
            }
        }

        @Override
        public int read(long pos, byte[] dst, int off, int len) throws IOException {
            synchronized (SimDisk.this) {
                check(false);
                if (failingReads.contains(path)) {
                    throw new IOException("simulated read error on " + path + " at " + pos);
                }
                return file.read(pos, dst, off, len);
            }
        }

        @Override
        public void write(long pos, byte[] src, int off, int len) throws IOException {
            synchronized (SimDisk.this) {
                check(true);
                if (pos < 0) {
                    throw new IllegalArgumentException("negative position " + pos);
                }
                long growth = Math.max(0, pos + len - file.size());
                if (growth > 0 && usedBytes + growth > capacityBytes) {
                    throw new DiskFullException(path, len, usableBytes());
                }
                file.write(pos, src, off, len, pendingOpsMax);
                usedBytes += growth;
                bytesWritten += len;
            }
        }

        @Override
        public long append(byte[] src, int off, int len) throws IOException {
            synchronized (SimDisk.this) {
                long pos = file.size();
                write(pos, src, off, len);
                return pos;
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (SimDisk.this) {
                check(true);
                long before = file.size();
                file.truncate(size, pendingOpsMax);
                usedBytes -= before - file.size();
            }
        }

        @Override
        public void sync() throws IOException {
            synchronized (SimDisk.this) {
                check(false);
                mutation();
                if (failingSyncs.contains(path)) {
                    long before = file.size();
                    file.dropUnsynced();
                    usedBytes += file.size() - before;
                    throw new IOException("simulated fsync error (EIO) on " + path + "; unsynced writes dropped");
                }
                file.sync();
                fileSyncCount++;
            }
        }

        @Override
        public void close() {
            synchronized (SimDisk.this) {
                if (!closed && !crashed) {
                    closed = true;
                    file.opens--;
                    release(file);
                }
                closed = true;
            }
        }
    }
}
