package io.conclave.sim.runtime;

import io.conclave.sim.core.SimRandom;
import io.conclave.storage.disk.DiskPaths;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Damage to a stopped node's data: seeded bit flips in, or a cut of, one file that holds data. */
final class DiskDamage {

    private DiskDamage() {
    }

    /**
     * Picks one non-empty file under {@code root} and flips {@code bits} seeded bits of its durable
     * content, or (when {@code bits == 0}) cuts it at a seeded length. Returns its path, or null when
     * no file holds data.
     */
    static String damage(SimDisk disk, String root, SimRandom random, int bits) {
        try {
            List<String> files = new ArrayList<>();
            listFiles(disk, root, files);
            files.removeIf(f -> fileSize(disk, f) == 0);
            if (files.isEmpty()) {
                return null;
            }
            String f = files.get(random.nextInt(files.size()));
            if (bits == 0) {
                disk.cutFile(f, random.between(0, fileSize(disk, f) - 1));
            } else {
                for (int b = 0; b < bits; b++) {
                    disk.flipBit(f);
                }
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("listing the files under " + root, e);
        }
    }

    private static void listFiles(SimDisk disk, String dir, List<String> out) throws IOException {
        for (String name : disk.list(dir)) {
            String p = DiskPaths.join(dir, name);
            if (disk.list(p).isEmpty() && fileSize(disk, p) >= 0) {
                out.add(p);
            } else {
                listFiles(disk, p, out);
            }
        }
    }

    /** The file's size, or -1 when {@code path} is a directory. */
    private static long fileSize(SimDisk disk, String path) {
        try (FileHandle h = disk.open(path, OpenMode.READ)) {
            return h.size();
        } catch (IOException e) {
            return -1;
        }
    }
}
