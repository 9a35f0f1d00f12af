package io.conclave.storage.state;

import io.conclave.raft.ConfState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Snapshot files {@code <dir>/snap-<index 20 digits>-<term 20 digits>.snap}, big-endian:
 * {@code [magic u32 "CLSN"][version u8][reserved 3][index u64][term u64][confLen u32][ConfState]
 * [dataLen u64][data][crc32c u32]}, the CRC over everything before it. {@link #save} writes a temporary
 * file, fsyncs it, renames it to its final name, fsyncs the directory, and only then deletes older
 * snapshots beyond {@code snapshotsKept}. {@link #latest} returns the newest intact snapshot, reporting
 * (and skipping) damaged newer ones: keeping two snapshots means one damaged file is survivable.
 */
public final class SnapshotStore {

    /** What {@link #latest} found: the newest intact snapshot ({@link Snapshot#EMPTY} if none) and the damaged files it skipped. */
    public record Loaded(Snapshot snapshot, List<String> skipped) {
        public Loaded {
            skipped = List.copyOf(skipped);
        }
    }

    private static final Pattern NAME = Pattern.compile("snap-(\\d{20})-(\\d{20})\\.snap");
    private static final String TMP = "snap.tmp";
    private static final int MAGIC = 0x434c534e;
    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 4 + 4 + 8 + 8 + 4 + 8 + 4;

    private final Disk disk;
    private final String dir;
    private final int snapshotsKept;

    /** @param snapshotsKept how many published snapshots to keep, at least 1 (2 recommended) */
    public SnapshotStore(Disk disk, String dir, int snapshotsKept) {
        if (snapshotsKept < 1) {
            throw new IllegalArgumentException("snapshotsKept must be >= 1: " + snapshotsKept);
        }
        this.disk = disk;
        this.dir = DiskPaths.check(dir);
        this.snapshotsKept = snapshotsKept;
    }

    static String fileName(long index, long term) {
        return String.format("snap-%020d-%020d.snap", index, term);
    }

    /** Publishes {@code snapshot}; durable when this returns. */
    public void save(Snapshot snapshot) throws IOException {
        disk.mkdirsDurable(dir);
        byte[] b = encode(snapshot);
        String tmp = DiskPaths.join(dir, TMP);
        try (FileHandle h = disk.open(tmp, OpenMode.CREATE)) {
            h.truncate(0);
            h.write(0, b, 0, b.length);
            h.sync();
        }
        disk.rename(tmp, DiskPaths.join(dir, fileName(snapshot.index(), snapshot.term())));
        disk.syncDir(dir);
        List<String> names = snapshotFiles();
        for (int i = 0; i < names.size() - snapshotsKept; i++) {
            disk.delete(DiskPaths.join(dir, names.get(i)));
        }
    }

    /** The published snapshot file names, oldest first. */
    public List<String> snapshotFiles() throws IOException {
        List<String> out = new ArrayList<>();
        for (String n : disk.list(dir)) {
            if (NAME.matcher(n).matches()) {
                out.add(n);
            }
        }
        return out;
    }

    /** The newest intact snapshot, skipping and reporting damaged ones. */
    public Loaded latest() throws IOException {
        List<String> names = snapshotFiles();
        List<String> skipped = new ArrayList<>();
        for (int i = names.size() - 1; i >= 0; i--) {
            String path = DiskPaths.join(dir, names.get(i));
            byte[] b;
            try (FileHandle h = disk.open(path, OpenMode.READ)) {
                long size = h.size();
                if (size > Integer.MAX_VALUE - 16) {
                    skipped.add(path + ": " + size + " bytes is too large for a snapshot file");
                    continue;
                }
                b = new byte[(int) size];
                h.readFully(0, b, 0, b.length);
            }
            var m = NAME.matcher(names.get(i));
            m.matches();
            String why = check(b, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            if (why == null) {
                return new Loaded(decode(b), skipped);
            }
            skipped.add(path + ": " + why);
        }
        return new Loaded(Snapshot.EMPTY, skipped);
    }

    static byte[] encode(Snapshot s) {
        byte[] conf = ConfStateCodec.encode(s.metadata().confState());
        byte[] b = new byte[FIXED_BYTES + conf.length + s.data().length];
        Codec.putInt(b, 0, MAGIC);
        b[4] = VERSION;
        int p = Codec.putLong(b, 8, s.index());
        p = Codec.putLong(b, p, s.term());
        p = Codec.putInt(b, p, conf.length);
        System.arraycopy(conf, 0, b, p, conf.length);
        p = Codec.putLong(b, p + conf.length, s.data().length);
        System.arraycopy(s.data(), 0, b, p, s.data().length);
        p += s.data().length;
        Codec.putInt(b, p, Codec.crc(b, 0, p));
        return b;
    }

    /** Null when {@code b} is an intact snapshot at (index, term); else what is wrong. */
    private static String check(byte[] b, long index, long term) {
        if (b.length < FIXED_BYTES) {
            return "truncated (" + b.length + " bytes)";
        }
        if (Codec.getInt(b, b.length - 4) != Codec.crc(b, 0, b.length - 4)) {
            return "CRC32C mismatch";
        }
        if (Codec.getInt(b, 0) != MAGIC || b[4] != VERSION) {
            return "not a version " + VERSION + " snapshot file";
        }
        int confLen = Codec.getInt(b, 24);
        if (confLen < 0 || confLen > b.length - FIXED_BYTES
                || Codec.getLong(b, 28 + confLen) != b.length - FIXED_BYTES - confLen) {
            return "lengths do not add up";
        }
        if (Codec.getLong(b, 8) != index || Codec.getLong(b, 16) != term) {
            return "metadata " + Codec.getLong(b, 8) + "/" + Codec.getLong(b, 16) + " does not match the file name";
        }
        try {
            ConfStateCodec.decode(b, 28, confLen);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static Snapshot decode(byte[] b) {
        int confLen = Codec.getInt(b, 24);
        ConfState cs = ConfStateCodec.decode(b, 28, confLen);
        int dataOff = 28 + confLen + 8;
        byte[] data = java.util.Arrays.copyOfRange(b, dataOff, b.length - 4);
        return new Snapshot(new SnapshotMetadata(Codec.getLong(b, 8), Codec.getLong(b, 16), cs), data);
    }
}
