package io.conclave.storage.wal;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The files of one WAL in one directory, named by a sequence number ({@code 00000000000000000042.wal}).
 * Appends go to the active (newest) file; when it has reached {@link WalConfig#fileBytesTarget()} the
 * next append starts a new file. Older files are deleted by {@link #reclaimBefore} once nothing needs
 * them. Opening a WAL replays it ({@link WalReader}) and cuts off a torn tail.
 *
 * <p>Appends and syncs come from the writer's thread only (and recovery before it starts);
 * {@link #reclaimBefore} and the file counts may be called from another thread.
 */
public final class WalLog implements AutoCloseable {

    static final String SUFFIX = ".wal";

    private final Disk disk;
    private final String dir;
    private final WalConfig config;
    /** seq -> bytes, for every file not yet reclaimed (including the active one). */
    private final TreeMap<Long, Long> fileBytes = new TreeMap<>();
    private FileHandle active;
    private volatile long activeSeq;
    private long activeBytes;
    /** The size of the active file after its last successful sync: where a failed batch is cut back to. */
    private long goodBytes;
    private boolean dirDirty;
    private boolean needsCut;
    private long fsyncs;

    private WalLog(Disk disk, String dir, WalConfig config) {
        this.disk = disk;
        this.dir = DiskPaths.check(dir);
        this.config = config.validate();
    }

    /**
     * Opens the WAL in {@code dir} (creating it when missing), feeding every good record, oldest
     * first, to {@code visitor}, and cutting off a torn or corrupt tail.
     */
    public static WalLog open(Disk disk, String dir, WalConfig config, WalReader.Visitor visitor,
                              WalReader.Report report) throws IOException {
        WalLog log = new WalLog(disk, dir, config);
        disk.mkdirs(dir);
        List<Long> seqs = listSeqs(disk, dir);
        WalReader reader = new WalReader(disk, dir, config.recordBytesMax());
        List<Long> kept = reader.replay(seqs, visitor, report);
        for (long seq : kept) {
            try (FileHandle f = disk.open(path(dir, seq), OpenMode.READ)) {
                log.fileBytes.put(seq, f.size());
            }
        }
        log.openActive();
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

    private void openActive() throws IOException {
        if (!fileBytes.isEmpty() && fileBytes.lastEntry().getValue() < config.fileBytesTarget()) {
            activeSeq = fileBytes.lastKey();
            active = disk.open(path(dir, activeSeq), OpenMode.READ_WRITE);
            activeBytes = active.size();
        } else {
            startFile(fileBytes.isEmpty() ? 1 : fileBytes.lastKey() + 1);
            disk.syncDir(dir);
            dirDirty = false;
        }
        goodBytes = activeBytes;
    }

    private void startFile(long seq) throws IOException {
        FileHandle f = disk.open(path(dir, seq), OpenMode.CREATE_NEW);
        if (active != null) {
            active.close();
        }
        active = f;
        activeSeq = seq;
        activeBytes = 0;
        goodBytes = 0;
        synchronized (fileBytes) {
            fileBytes.put(seq, 0L);
        }
        dirDirty = true;
    }

    /** Appends one encoded batch to the active file, first starting a new file if it is full. */
    public void append(byte[] data, int length) throws IOException {
        if (needsCut) {
            active.truncate(goodBytes);
            activeBytes = goodBytes;
            needsCut = false;
        }
        if (activeBytes >= config.fileBytesTarget()) {
            startFile(activeSeq + 1);
        }
        needsCut = true;
        active.append(data, 0, length);
        activeBytes += length;
        synchronized (fileBytes) {
            fileBytes.put(activeSeq, activeBytes);
        }
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
            active.truncate(goodBytes);
            needsCut = false;
        } catch (IOException e) {
            needsCut = true;
        }
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
     * Deletes the files older than {@code seq} (never the active one). Safe from a thread other
     * than the writer's.
     *
     * @return how many were deleted
     */
    public int reclaimBefore(long seq) throws IOException {
        int deleted = 0;
        while (true) {
            long first;
            synchronized (fileBytes) {
                if (fileBytes.isEmpty() || fileBytes.firstKey() >= Math.min(seq, activeSeq)) {
                    return deleted;
                }
                first = fileBytes.firstKey();
            }
            disk.delete(path(dir, first));
            synchronized (fileBytes) {
                fileBytes.remove(first);
            }
            deleted++;
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
