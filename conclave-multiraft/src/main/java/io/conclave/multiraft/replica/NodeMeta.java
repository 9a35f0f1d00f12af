package io.conclave.multiraft.replica;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The node's record in its data directory: the incarnation (raised and made durable on every start,
 * so a replica's identity (node id, incarnation) is never reused; without a record — a first start,
 * or a wiped disk that took the record along — it starts at the wall clock's milliseconds, so a wiped
 * node still starts a newer life than its last one, which its peers' liveness sees as a restart), the
 * groups still rejoining as learners, and the groups whose replica this directory ever destroyed
 * ({@link #addDestroyed}: recorded before the destruction starts, so that a replica created again for
 * the same group later knows it may have voted before). Written by replacing the file atomically
 * (write, fsync, rename, fsync the directory), with a CRC-32C over its lines: a damaged record fails
 * the start (the directory must be wiped) instead of silently forgetting a rejoin or a destruction.
 * A record of the older format (no {@code format} line, no CRC, nothing destroyed) is read as it is and
 * rewritten in the new one at once. Called by the runtime at start, by loops when a group finishes
 * rejoining and by the callers of {@code destroyGroup} (synchronized).
 */
public final class NodeMeta {

    private static final String FILE = "node.meta";
    private static final String FORMAT_LINE = "format=2";

    private final Disk disk;
    private final String root;
    private final long incarnation;
    private final TreeSet<Long> rejoining = new TreeSet<>();
    private final TreeSet<Long> destroyed = new TreeSet<>();

    private NodeMeta(Disk disk, String root, long incarnation, Set<Long> rejoining, Set<Long> destroyed) {
        this.disk = disk;
        this.root = root;
        this.incarnation = incarnation;
        this.rejoining.addAll(rejoining);
        this.destroyed.addAll(destroyed);
    }

    /**
     * Reads the record (if any), raises the incarnation (to {@code floor}, the wall clock's
     * milliseconds, when there is no record) and writes it back durably.
     *
     * @throws IOException also when the record is damaged (its CRC, a line it cannot read)
     */
    public static NodeMeta startNewIncarnation(Disk disk, String root, long floor) throws IOException {
        disk.mkdirs(root);
        String path = DiskPaths.join(root, FILE);
        Parsed stored = new Parsed();
        if (disk.exists(path)) {
            try (FileHandle f = disk.open(path, OpenMode.READ)) {
                byte[] b = new byte[(int) f.size()];
                f.readFully(0, b, 0, b.length);
                stored = parse(path, new String(b, StandardCharsets.UTF_8));
            }
        }
        NodeMeta m = new NodeMeta(disk, root, stored.incarnation > 0 ? stored.incarnation + 1 : Math.max(1, floor),
                stored.rejoining, stored.destroyed);
        m.write();
        return m;
    }

    private static final class Parsed {
        long incarnation;
        final Set<Long> rejoining = new TreeSet<>();
        final Set<Long> destroyed = new TreeSet<>();
    }

    private static Parsed parse(String path, String text) throws IOException {
        Parsed p = new Parsed();
        try {
            if (text.startsWith("incarnation=")) {
                parseLines(text, p, false); // the older format: no CRC, nothing destroyed
                return p;
            }
            int crcAt = text.lastIndexOf("\ncrc=");
            if (!text.startsWith(FORMAT_LINE + "\n") || crcAt < 0 || !text.endsWith("\n")) {
                throw new IOException(path + " is damaged (not a node record of a known format); wipe the data "
                        + "directory and let the node rejoin");
            }
            String body = text.substring(0, crcAt + 1);
            long crc = Long.parseLong(text.substring(crcAt + 5, text.length() - 1).trim(), 16);
            if (crc != crcOf(body)) {
                throw new IOException(path + " is damaged (its CRC does not match); wipe the data directory and "
                        + "let the node rejoin");
            }
            parseLines(body.substring(FORMAT_LINE.length() + 1), p, true);
            return p;
        } catch (NumberFormatException e) {
            throw new IOException(path + " is damaged (" + e.getMessage() + "); wipe the data directory and let the "
                    + "node rejoin", e);
        }
    }

    private static void parseLines(String text, Parsed p, boolean strict) throws IOException {
        for (String line : text.split("\n")) {
            if (line.startsWith("incarnation=")) {
                p.incarnation = Long.parseLong(line.substring(12).trim());
            } else if (line.startsWith("rejoining=")) {
                addIds(line.substring(10), p.rejoining);
            } else if (line.startsWith("destroyed=") && strict) {
                addIds(line.substring(10), p.destroyed);
            } else if (strict) {
                throw new IOException("unknown line '" + line + "' in the node record");
            }
        }
    }

    private static void addIds(String list, Set<Long> out) {
        if (list.isBlank()) {
            return;
        }
        for (String s : list.trim().split(",")) {
            out.add(Long.parseLong(s));
        }
    }

    private static long crcOf(String body) {
        CRC32C c = new CRC32C();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    public long incarnation() {
        return incarnation;
    }

    public synchronized Set<Long> rejoining() {
        return new TreeSet<>(rejoining);
    }

    /** Records that {@code groupIds} are rejoining (durably). */
    public synchronized void addRejoining(Set<Long> groupIds) throws IOException {
        if (rejoining.addAll(groupIds)) {
            write();
        }
    }

    /** Records that {@code groupId} finished rejoining (durably). */
    public synchronized void removeRejoining(long groupId) throws IOException {
        if (rejoining.remove(groupId)) {
            write();
        }
    }

    /** The groups whose replica this data directory destroyed (or began to), kept until {@link #forgetDestroyed}. */
    public synchronized Set<Long> destroyed() {
        return new TreeSet<>(destroyed);
    }

    /**
     * Records, durably, that this directory is about to destroy its replica of {@code groupId}: called
     * before the destruction starts, so that no crash can leave the replica gone and the record absent.
     */
    public synchronized void addDestroyed(long groupId) throws IOException {
        if (destroyed.add(groupId)) {
            write();
        }
    }

    /** Drops the records of {@code groupIds} (groups never to be hosted again: their topic was deleted), durably. */
    public synchronized void forgetDestroyed(Set<Long> groupIds) throws IOException {
        if (destroyed.removeAll(groupIds)) {
            write();
        }
    }

    private void write() throws IOException {
        StringBuilder sb = new StringBuilder(FORMAT_LINE).append('\n')
                .append("incarnation=").append(incarnation).append('\n');
        appendIds(sb, "rejoining=", rejoining);
        appendIds(sb, "destroyed=", destroyed);
        long crc = crcOf(sb.toString());
        sb.append("crc=").append(Long.toHexString(crc)).append('\n');
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        String tmp = DiskPaths.join(root, FILE + ".tmp");
        if (disk.exists(tmp)) {
            disk.delete(tmp);
        }
        try (FileHandle f = disk.open(tmp, OpenMode.CREATE_NEW)) {
            f.write(0, b, 0, b.length);
            f.sync();
        }
        disk.rename(tmp, DiskPaths.join(root, FILE));
        disk.syncDir(root);
    }

    private static void appendIds(StringBuilder sb, String key, Set<Long> ids) {
        sb.append(key);
        String sep = "";
        for (long g : ids) {
            sb.append(sep).append(g);
            sep = ",";
        }
        sb.append('\n');
    }
}
