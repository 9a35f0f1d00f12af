package io.conclave.storage.engine;

import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.wal.WalCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * {@link GroupSnapshots} as one file per group, replaced atomically: written to a temporary file,
 * fsynced, renamed over {@code snapshot}, directory fsynced. Format: {@code crc:int length:int}
 * then the snapshot metadata (as in a WAL snapshot mark) and the data; a file that fails its CRC is
 * reported as an error, never served.
 */
final class StoreSnapshots implements GroupSnapshots {

    private static final String NAME = "snapshot";
    private static final String TMP = "snapshot.tmp";

    private final Disk disk;
    private final String dir;

    private StoreSnapshots(Disk disk, String dir) {
        this.disk = disk;
        this.dir = dir;
    }

    static StoreSnapshots open(Disk disk, String dir) throws IOException {
        disk.mkdirs(dir);
        return new StoreSnapshots(disk, dir);
    }

    @Override
    public Snapshot load() throws IOException {
        String path = DiskPaths.join(dir, NAME);
        if (!disk.exists(path)) {
            return Snapshot.EMPTY;
        }
        byte[] all;
        try (FileHandle f = disk.open(path, OpenMode.READ)) {
            all = new byte[(int) f.size()];
            f.readFully(0, all, 0, all.length);
        }
        ByteBuffer in = ByteBuffer.wrap(all);
        if (all.length < 8) {
            throw new IOException("snapshot file " + path + " is " + all.length + " bytes: damaged");
        }
        int crc = in.getInt();
        int length = in.getInt();
        if (length != all.length - 8 || crc(all, 8, length) != crc) {
            throw new IOException("snapshot file " + path + " fails its CRC: damaged; fetch a snapshot from a peer");
        }
        SnapshotMetadata m = WalCodec.getSnapshotMarkPrefix(in);
        byte[] data = new byte[in.remaining()];
        in.get(data);
        return new Snapshot(m, data);
    }

    @Override
    public void save(Snapshot snapshot) throws IOException {
        int metaBytes = WalCodec.snapshotMarkSizeBytes(snapshot.metadata());
        ByteBuffer out = ByteBuffer.allocate(8 + metaBytes + snapshot.data().length);
        out.putInt(0).putInt(metaBytes + snapshot.data().length);
        WalCodec.putSnapshotMark(out, snapshot.metadata());
        out.put(snapshot.data());
        byte[] all = out.array();
        out.putInt(0, crc(all, 8, all.length - 8));
        String tmp = DiskPaths.join(dir, TMP);
        disk.delete(tmp);
        try (FileHandle f = disk.open(tmp, OpenMode.CREATE_NEW)) {
            f.append(all, 0, all.length);
            f.sync();
        } catch (IOException e) {
            disk.delete(tmp);
            throw e;
        }
        disk.rename(tmp, DiskPaths.join(dir, NAME));
        disk.syncDir(dir);
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
