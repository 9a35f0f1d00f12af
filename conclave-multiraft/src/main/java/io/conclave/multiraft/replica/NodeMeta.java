package io.conclave.multiraft.replica;

import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's record in its data directory: the incarnation (raised and made durable on every start,
 * so a replica's identity (node id, incarnation) is never reused; without a record — a first start,
 * or a wiped disk that took the record along — it starts at the wall clock's milliseconds, so a wiped
 * node still starts a newer life than its last one, which its peers' liveness sees as a restart) and
 * the groups still rejoining
 * as learners. Written by replacing the file atomically (write, fsync, rename, fsync the directory).
 * Called by the runtime at start and by loops when a group finishes rejoining (synchronized).
 */
public final class NodeMeta {

    private static final String FILE = "node.meta";

    private final Disk disk;
    private final String root;
    private final long incarnation;
    private final TreeSet<Long> rejoining = new TreeSet<>();

    private NodeMeta(Disk disk, String root, long incarnation, Set<Long> rejoining) {
        this.disk = disk;
        this.root = root;
        this.incarnation = incarnation;
        this.rejoining.addAll(rejoining);
    }

    /**
     * Reads the record (if any), raises the incarnation (to {@code floor}, the wall clock's
     * milliseconds, when there is no record) and writes it back durably.
     */
    public static NodeMeta startNewIncarnation(Disk disk, String root, long floor) throws IOException {
        disk.mkdirs(root);
        String path = DiskPaths.join(root, FILE);
        long previous = 0;
        Set<Long> rejoin = new TreeSet<>();
        if (disk.exists(path)) {
            try (FileHandle f = disk.open(path, OpenMode.READ)) {
                byte[] b = new byte[(int) f.size()];
                f.readFully(0, b, 0, b.length);
                for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("incarnation=")) {
                        previous = Long.parseLong(line.substring(12).trim());
                    } else if (line.startsWith("rejoining=") && line.length() > 10) {
                        for (String s : line.substring(10).trim().split(",")) {
                            rejoin.add(Long.parseLong(s));
                        }
                    }
                }
            }
        }
        NodeMeta m = new NodeMeta(disk, root, previous > 0 ? previous + 1 : Math.max(1, floor), rejoin);
        m.write();
        return m;
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

    private void write() throws IOException {
        StringBuilder sb = new StringBuilder("incarnation=").append(incarnation).append('\n').append("rejoining=");
        String sep = "";
        for (long g : rejoining) {
            sb.append(sep).append(g);
            sep = ",";
        }
        sb.append('\n');
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
}
