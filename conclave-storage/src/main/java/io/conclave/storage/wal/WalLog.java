package io.conclave.storage.wal;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files of one WAL in one directory, named by a sequence number ({@code 00000000000000000042.wal}).
 * Appends go to the active (newest) file, at its data end; when it has reached
 * {@link WalConfig#fileBytesTarget()} the next append starts a new file. With
 * {@link WalConfig#preallocate()} a new file is the {@link WalSpare} made ahead of need when one is
 * ready (a growing file otherwise, left for the next spare as soon as one is ready), and its records
 * overwrite the spare's zeros or, in a recycled file, its earlier life's frames. Older files are
 * reclaimed by {@link #reclaimBefore} once nothing needs them: kept as spares when they were preallocated
 * and a spare is wanted, deleted otherwise. Every frame appended carries its file's number
 * ({@link WalFrame}). Opening a WAL replays it ({@link WalReader}) and cuts off a torn tail.
 *
 * <p>Appends and syncs come from the writer's thread only (and recovery before it starts);
 * {@link #reclaimBefore}, {@link #prepareSpare} and the file counts may be called from another thread.
 */
public final class WalLog implements AutoCloseable {

    static final String SUFFIX = ".wal";

    private final Disk disk;
    private final String dir;
    private final WalConfig config;
    /** seq -> bytes, for every file not yet reclaimed (including the active one). */
    private final TreeMap<Long, Long> fileBytes = new TreeMap<>();
    /** The files of {@link #fileBytes} that began as spares (they start with the marker): recyclable. Guarded by fileBytes. */
    private final Set<Long> preallocatedFiles = new HashSet<>();
    /** The next file, made ahead of need; null when preallocation is off. */
    private final WalSpare spare;
    private FileHandle active;
    private volatile long activeSeq;
    /** Where the active file's records end: the next append's position. */
    private long activeBytes;
    /** The active file's preallocated length, or 0 for a growing file. */
    private long activeCapacity;
    /** The data end after the last successful sync: where a failed batch is cut back to. */
    private long goodBytes;
    /** The furthest byte written since the last sync: what a cut back must clear up to. */
    private long writtenEnd;
    private boolean dirDirty;
    /** Whether bytes past {@link #goodBytes} may hold an unsynced or failed batch still to be cleared. */
    private boolean needsCut;
    private long fsyncs;
    private volatile long filesStarted;
    private volatile long filesStartedPreallocated;

    private WalLog(Disk disk, String dir, WalConfig config) {
        this.disk = disk;
        this.dir = DiskPaths.check(dir);
        this.config = config.validate();
        this.spare = config.preallocate() ? new WalSpare(disk, this.dir, config.fileBytesTarget()) : null;
    }

    /**
     * Opens the WAL in {@code dir} (creating it when missing), feeding every good record, oldest
     * first, to {@code visitor}, and cutting off a torn or corrupt tail.
     */
    public static WalLog open(Disk disk, String dir, WalConfig config, WalReader.Visitor visitor,
                              WalReader.Report report) throws IOException {
        WalLog log = new WalLog(disk, dir, config);
        disk.mkdirs(dir);
        WalSpare.deleteLeftovers(disk, dir);
        List<Long> seqs = listSeqs(disk, dir);
        WalReader reader = new WalReader(disk, dir, config.recordBytesMax());
        List<WalReader.Kept> kept = reader.replay(seqs, visitor, report);
        for (WalReader.Kept k : kept) {
            log.fileBytes.put(k.seq(), k.dataEnd());
            if (k.preallocated()) {
                log.preallocatedFiles.add(k.seq());
            }
        }
        log.openActive(kept.isEmpty() ? null : kept.get(kept.size() - 1));
        return log;
    }

    /**
     * Reads the WAL in {@code dir} without changing it: every good record, oldest first, up to the first
     * frame that does not decode — exactly the records {@link #open} will replay. For a look ahead
     * before the replay (the engine finds the groups' tombstones first).
     */
    public static void peek(Disk disk, String dir, WalConfig config, WalReader.Visitor visitor) throws IOException {
        WalReader reader = new WalReader(disk, dir, config.recordBytesMax());
        for (long seq : listSeqs(disk, dir)) {
            if (reader.scan(seq, visitor).reason() != null) {
                return;
            }
        }
    }

    static List<Long> listSeqs(Disk disk, String dir) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (String name : disk.list(dir)) {
            if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                try {
                    seqs.add(Long.parseLong(name.substring(0, 20)));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        seqs.sort(null);
        return seqs;
    }

    static String path(String dir, long seq) {
        return DiskPaths.join(dir, String.format("%020d", seq) + SUFFIX);
    }

    private void openActive(WalReader.Kept last) throws IOException {
        if (last != null && last.dataEnd() < config.fileBytesTarget()) {
            activeSeq = last.seq();
            active = disk.open(path(dir, activeSeq), OpenMode.READ_WRITE);
            activeBytes = last.dataEnd();
            activeCapacity = last.preallocated() ? active.size() : 0;
        } else {
            startFile(last == null ? 1 : last.seq() + 1);
            disk.syncDir(dir);
            dirDirty = false;
        }
        goodBytes = activeBytes;
        writtenEnd = activeBytes;
    }

    /**
     * Makes file {@code seq} the active one: the ready spare renamed to it, or a new empty file.
     * Nothing of {@code seq} exists before (a file of that number left by an attempt that failed after
     * its rename holds only a spare's zeros, and is replaced).
     */
    private void startFile(long seq) throws IOException {
        String target = path(dir, seq);
        if (disk.exists(target)) {
            disk.delete(target);
        }
        String from = spare == null ? null : spare.take();
        FileHandle f;
        long capacity = 0;
        if (from != null) {
            try {
                disk.rename(from, target);
            } catch (IOException e) {
                try {
                    disk.delete(from); // not to keep a whole file of zeros until the next open
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            f = disk.open(target, OpenMode.READ_WRITE);
            capacity = f.size();
            filesStartedPreallocated++;
        } else {
            f = disk.open(target, OpenMode.CREATE_NEW);
        }
        filesStarted++;
        if (active != null) {
            active.close();
        }
        active = f;
        activeSeq = seq;
        activeCapacity = capacity;
        activeBytes = capacity > 0 ? WalSpare.MARKER_BYTES : 0;
        goodBytes = activeBytes;
        writtenEnd = activeBytes;
        synchronized (fileBytes) {
            fileBytes.put(seq, activeBytes);
            if (capacity > 0) {
                preallocatedFiles.add(seq);
            }
        }
        dirDirty = true;
    }

    /**
     * Appends one encoded batch at the active file's data end, first starting a new file if it is full
     * (or, when it is a growing file, as soon as a preallocated one is ready). Stamps the file's number
     * into the header of every frame of {@code data} first.
     */
    public void append(byte[] data, int length) throws IOException {
        if (needsCut) {
            cutBack();
        }
        if (activeBytes >= config.fileBytesTarget() || (activeCapacity == 0 && spare != null && spare.isReady())) {
            startFile(activeSeq + 1);
        }
        WalFrame.stampFileSeq(data, length, activeSeq);
        needsCut = true;
        writtenEnd = Math.max(writtenEnd, activeBytes + length);
        active.write(activeBytes, data, 0, length);
        activeBytes += length;
        synchronized (fileBytes) {
            fileBytes.put(activeSeq, activeBytes);
        }
    }

    /**
     * Clears what was written after the last sync, so the next batch never precedes stale frames: a
     * growing file is truncated; a preallocated one gets zeros over the failed batch (and loses any
     * growth past its length), or a later, shorter batch could leave a failed batch's frames — which
     * carry this file's number — readable behind it.
     */
    private void cutBack() throws IOException {
        if (activeCapacity > 0) {
            WalSpare.zero(active, goodBytes, Math.min(writtenEnd, activeCapacity));
            active.truncate(Math.max(goodBytes, activeCapacity));
        } else {
            active.truncate(goodBytes);
        }
        activeBytes = goodBytes;
        writtenEnd = goodBytes;
        needsCut = false;
    }

    /** Makes everything appended durable: one fsync of the active file, plus its directory when a file was started. */
    public void sync() throws IOException {
        active.sync();
        fsyncs++;
        if (dirDirty) {
            disk.syncDir(dir);
            dirDirty = false;
        }
        goodBytes = activeBytes;
        writtenEnd = activeBytes;
        needsCut = false;
    }

    /**
     * Forgets the appends since the last sync after a failed batch: cuts the active file back so
     * the next batch does not follow garbage. If the cut itself fails, it is retried before the next append.
     */
    public void rollback() {
        activeBytes = goodBytes;
        synchronized (fileBytes) {
            fileBytes.put(activeSeq, goodBytes);
        }
        try {
            cutBack();
        } catch (IOException e) {
            needsCut = true;
        }
    }

    /**
     * One step towards the next preallocated file (housekeeper's thread; see {@link WalSpare#step}).
     *
     * @return 1 when it did something
     */
    public int prepareSpare(long nowMs) {
        return spare == null ? 0 : spare.step(nowMs);
    }

    /** Whether {@link #prepareSpare} has work now. */
    public boolean spareWanted(long nowMs) {
        return spare != null && spare.wanted(nowMs);
    }

    /** Files started since open, and how many of them were preallocated ones. */
    public long filesStarted() {
        return filesStarted;
    }

    public long filesStartedPreallocated() {
        return filesStartedPreallocated;
    }

    /** Spares zero-filled so far, and attempts that failed (a full disk): 0 when preallocation is off. */
    public long sparesPrepared() {
        return spare == null ? 0 : spare.prepared();
    }

    /** Reclaimed files kept as spares so far: 0 when preallocation is off. */
    public long sparesRecycled() {
        return spare == null ? 0 : spare.recycled();
    }

    public long spareFailures() {
        return spare == null ? 0 : spare.failures();
    }

    /** Whether the active file is a preallocated one (for tests and status). */
    public boolean activePreallocated() {
        return activeCapacity > 0;
    }

    public long activeSeq() {
        return activeSeq;
    }

    /** The oldest file not yet reclaimed. */
    public long firstSeq() {
        synchronized (fileBytes) {
            return fileBytes.firstKey();
        }
    }

    public int fileCount() {
        synchronized (fileBytes) {
            return fileBytes.size();
        }
    }

    /** Bytes in all unreclaimed files. */
    public long totalBytes() {
        long sum = 0;
        synchronized (fileBytes) {
            for (long b : fileBytes.values()) {
                sum += b;
            }
        }
        return sum;
    }

    /** fsyncs of WAL files made so far (directory syncs not counted). */
    public long fsyncs() {
        return fsyncs;
    }

    /**
     * Reclaims the files older than {@code seq} (never the active one): each is kept as a spare when it
     * was preallocated and a spare is wanted ({@link WalSpare#recycle}), deleted otherwise. Safe from a
     * thread other than the writer's; with preallocation on, only from the housekeeper's (the spare's).
     *
     * @return how many were reclaimed
     */
    public int reclaimBefore(long seq) throws IOException {
        int reclaimed = 0;
        while (true) {
            long first;
            boolean preallocated;
            synchronized (fileBytes) {
                if (fileBytes.isEmpty() || fileBytes.firstKey() >= Math.min(seq, activeSeq)) {
                    return reclaimed;
                }
                first = fileBytes.firstKey();
                preallocated = preallocatedFiles.contains(first);
            }
            String path = path(dir, first);
            if (!(preallocated && spare != null && spare.recycle(path, sizeOf(path)))) {
                disk.delete(path);
            }
            synchronized (fileBytes) {
                fileBytes.remove(first);
                preallocatedFiles.remove(first);
            }
            reclaimed++;
        }
    }

    private long sizeOf(String path) throws IOException {
        try (FileHandle f = disk.open(path, OpenMode.READ)) {
            return f.size();
        }
    }

    /** Reads back every good record of the unreclaimed files (for tests and tools). */
    public List<WalRecord> readAll() {
        List<WalRecord> out = new ArrayList<>();
        try {
            WalReader reader = new WalReader(disk, dir, config.recordBytesMax());
            List<Long> seqs;
            synchronized (fileBytes) {
                seqs = new ArrayList<>(fileBytes.keySet());
            }
            for (long seq : seqs) {
                reader.scan(seq, out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (spare != null) {
            spare.close();
        }
        if (active != null) {
            active.close();
            active = null;
        }
    }

    static ByteBuffer readFile(Disk disk, String path) throws IOException {
        try (FileHandle f = disk.open(path, OpenMode.READ)) {
            long size = f.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(path + " is " + size + " bytes, too large for a WAL file");
            }
            byte[] data = new byte[(int) size];
            f.readFully(0, data, 0, data.length);
            return ByteBuffer.wrap(data);
        }
    }
}
