package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.RealDisk;
import io.conclave.storage.engine.EngineFixture.Outcome;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.wal.WalConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk under the engine: a 4 MiB tmpfs (needs root and mount rights, as in CI; skipped
 * otherwise) filled through the WAL until the kernel says ENOSPC.
 */
class EngineFullDiskTest {

    @TempDir
    Path mountPoint;

    private long nowMs = 1_000;

    @Test
    void aRealFullDiskBlocksWritesKeepsReadsAndResumesOnceSpaceIsFreed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "not root: cannot mount a tmpfs");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.toString()) == 0,
                "mount -t tmpfs failed (no privilege in this container?): full-disk test skipped");
        try {
            fillBlockAndResume(new RealDisk(mountPoint));
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    private void fillBlockAndResume(RealDisk disk) throws IOException {
        try (FileHandle filler = disk.open("filler", OpenMode.CREATE)) {
            byte[] mb = new byte[1 << 20];
            filler.append(mb, 0, mb.length);
        }
        EngineConfig cfg = new EngineConfig(new WalConfig(256 << 10, 64 << 10, 1024, 1024, 1 << 20, false),
                SegmentConfig.DEFAULT.withSegmentBytesMax(128 << 10), 100, 64, 64, 16, 64 << 10, 16);
        StorageEngine engine = StorageEngine.open(disk, "data", cfg, () -> nowMs);
        GroupLog log = engine.createGroup(1, null);
        List<Entry> acked = new ArrayList<>();
        IOException failure = null;
        for (int i = 0; i < 10_000 && failure == null; i++) {
            List<Entry> es = entries(1, log.lastIndex() + 1, 16, 1000, i);
            Outcome o = new Outcome();
            assertThat(log.persist(new HardState(1, 1, log.lastIndex()), es, null, o)).isEqualTo(StorageStatus.OK);
            drain(engine, i % 4 == 0);
            if (o.durable == 1) {
                acked.addAll(es);
            }
            failure = o.failure;
        }
        assertThat(failure).as("the disk never filled").isInstanceOf(DiskFullException.class);
        assertThat(failure.getMessage()).contains("disk full").contains("bytes free");
        assertThat(log.state()).isEqualTo(GroupState.WRITES_BLOCKED);
        assertThat(log.lastIndex()).isEqualTo(acked.size());
        assertThat(log.entries(1, acked.size() + 1, Long.MAX_VALUE)).isEqualTo(acked);
        assertThat(log.persist(null, entries(1, acked.size() + 1, 1, 10, 0), null, new Outcome()))
                .isEqualTo(StorageStatus.RESOURCE_EXHAUSTED);

        disk.delete("filler");
        Outcome resumed = new Outcome();
        List<Entry> more = entries(2, acked.size() + 1, 4, 100, 7);
        assertThat(log.persist(new HardState(2, 1, acked.size()), more, null, resumed)).isEqualTo(StorageStatus.OK);
        drain(engine, true);
        assertThat(resumed.durable).isEqualTo(1);
        assertThat(log.state()).isEqualTo(GroupState.WRITABLE);
        acked.addAll(more);
        engine.close();

        StorageEngine again = StorageEngine.open(disk, "data", cfg, () -> nowMs);
        GroupLog reopened = again.group(1);
        assertThat(reopened.entries(1, reopened.lastIndex() + 1, Long.MAX_VALUE)).isEqualTo(acked);
        assertThat(reopened.hardState()).isEqualTo(new HardState(2, 1, acked.size() - 4));
        again.close();
    }

    private void drain(StorageEngine engine, boolean syncRound) {
        if (syncRound) {
            nowMs += 100;
        }
        for (int i = 0; i < 10_000; i++) {
            if (engine.doWork() == 0 && !engine.hasWork()) {
                return;
            }
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
