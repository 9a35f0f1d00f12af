package io.conclave.storage.state;

import io.conclave.raft.HardState;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.util.List;

/**
 * A replica's {@link HardState} in {@code <dir>/hardstate}, 36 bytes big-endian:
 * {@code [magic u32 "CLHS"][version u8][reserved 3][term u64][vote u64][commit u64][crc32c u32]}, CRC over
 * the 32 bytes before it. {@link #save} replaces it atomically: write {@code hardstate.tmp}, fsync, rename
 * over {@code hardstate}, fsync the directory; it is durable when save returns.
 *
 * <p>The directory belongs to this file alone (for example {@code <group>/state}): {@link #load} returns
 * {@link HardState#EMPTY} only when it is new (absent, or holding nothing but a temporary file left by a
 * first save that did not finish). A missing file in a used directory, or a damaged file, is a
 * {@link StateFileException}: a replica that forgot its vote could vote twice in a term.
 */
public final class HardStateFile {

    static final String NAME = "hardstate";
    static final String TMP = "hardstate.tmp";
    static final int BYTES = 36;
    private static final int MAGIC = 0x434c4853;
    private static final byte VERSION = 1;

    private final Disk disk;
    private final String dir;

    public HardStateFile(Disk disk, String dir) {
        this.disk = disk;
        this.dir = DiskPaths.check(dir);
    }

    public String path() {
        return DiskPaths.join(dir, NAME);
    }

    /** The saved hard state; {@link HardState#EMPTY} for a new directory. */
    public HardState load() throws IOException {
        if (!disk.exists(path())) {
            List<String> names = disk.list(dir);
            if (names.isEmpty() || names.equals(List.of(TMP))) {
                return HardState.EMPTY;
            }
            throw new StateFileException("hard state file " + path() + " is missing but its directory holds "
                    + names + "; refusing to start from an empty hard state (the replica could vote twice): "
                    + "restore the file or rebuild this replica from its peers");
        }
        byte[] b = new byte[BYTES + 1];
        int n;
        try (FileHandle h = disk.open(path(), OpenMode.READ)) {
            n = h.read(0, b, 0, b.length);
        }
        String why = n != BYTES ? "size " + n + " instead of " + BYTES
                : Codec.getInt(b, 32) != Codec.crc(b, 0, 32) ? "CRC32C mismatch"
                : Codec.getInt(b, 0) != MAGIC || b[4] != VERSION ? "not a version " + VERSION + " hard state file"
                : null;
        if (why == null) {
            try {
                return new HardState(Codec.getLong(b, 8), Codec.getLong(b, 16), Codec.getLong(b, 24));
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        throw new StateFileException("hard state file " + path() + " is damaged (" + why + "); refusing to "
                + "guess the term and vote: rebuild this replica from its peers");
    }

    /** Replaces the saved hard state; durable when this returns. */
    public void save(HardState hs) throws IOException {
        disk.mkdirsDurable(dir);
        byte[] b = new byte[BYTES];
        Codec.putInt(b, 0, MAGIC);
        b[4] = VERSION;
        Codec.putLong(b, 8, hs.term());
        Codec.putLong(b, 16, hs.vote());
        Codec.putLong(b, 24, hs.commit());
        Codec.putInt(b, 32, Codec.crc(b, 0, 32));
        String tmp = DiskPaths.join(dir, TMP);
        try (FileHandle h = disk.open(tmp, OpenMode.CREATE)) {
            h.truncate(0);
            h.write(0, b, 0, b.length);
            h.sync();
        }
        disk.rename(tmp, path());
        disk.syncDir(dir);
    }
}
