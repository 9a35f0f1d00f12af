package io.conclave.storage.segment;

import static io.conclave.storage.segment.Entries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.RealDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a 2 MiB tmpfs (needs root, as in CI; skipped otherwise) filled by a log until the
 * kernel says ENOSPC.
 */
class FullDiskTest {

    @TempDir
    Path mountPoint;

    @Test
    void aFullDiskIsReportedClearlyKeepsWhatWasSyncedAndRecoversWhenSpaceIsFreed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "not root: cannot mount a tmpfs for the full-disk test");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString()) == 0,
                "mount -t tmpfs failed (no privilege in this container?): full-disk test skipped");
        try {
            fillAndRecover(new RealDisk(mountPoint));
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    private void fillAndRecover(RealDisk disk) throws IOException {
        try (FileHandle filler = disk.open("filler", OpenMode.CREATE)) {
            byte[] mb = new byte[512 << 10];
            filler.append(mb, 0, mb.length);
        }
        SegmentConfig config = SegmentConfig.DEFAULT.withSegmentBytesMax(256 << 10);
        List<Entry> synced = new ArrayList<>();
        DiskFullException full = null;
        try (SegmentLog log = SegmentLog.open(disk, "log", config)) {
            for (int batch = 0; batch < 10_000 && full == null; batch++) {
                List<Entry> entries = range(1, log.lastIndex() + 1, log.lastIndex() + 16, 1000);
                try {
                    log.append(entries, batch);
                    log.sync();
                    synced.addAll(entries);
                } catch (DiskFullException e) {
                    full = e;
                }
            }
            assertThat(full).as("the disk never filled").isNotNull();
            assertThat(full.getMessage()).contains("disk full").contains("log/").contains("bytes free");
            assertThat(full.bytesWanted()).isPositive();
            assertThat(log.lastIndex()).isGreaterThanOrEqualTo(synced.size());
            assertThat(log.read(1, synced.size() + 1, Long.MAX_VALUE)).isEqualTo(synced);

            disk.delete("filler");
            long next = log.lastIndex() + 1;
            List<Entry> more = range(1, next, next + 15, 1000);
            log.append(more, 99_999);
            log.sync();
            synced.clear();
            synced.addAll(log.read(1, log.lastIndex() + 1, Long.MAX_VALUE));
            assertThat(synced.subList(synced.size() - 16, synced.size())).isEqualTo(more);
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", config)) {
            assertThat(log.recovery().needsSnapshot()).isFalse();
            assertThat(log.read(1, log.lastIndex() + 1, Long.MAX_VALUE)).isEqualTo(synced);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
