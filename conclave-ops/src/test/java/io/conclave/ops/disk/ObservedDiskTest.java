package io.conclave.ops.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ObservedDiskTest {

    private final SimDisk sim = new SimDisk(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Timer timer(String kind) {
        return registry.get("conclave.storage.fsync").tag("kind", kind).timer();
    }

    private static void writeAndSync(ObservedDisk disk) throws Exception {
        disk.mkdirs("d");
        try (FileHandle f = disk.open("d/f", OpenMode.CREATE)) {
            byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
            f.append(b, 0, b.length);
            f.sync();
        }
        disk.syncDir("d");
    }

    @Test
    void syncsReachTheDiskAndAreTimedByTheInjectedClock() throws Exception {
        long[] nowNs = {0};
        ObservedDisk disk = new ObservedDisk(sim, true, () -> nowNs[0] += 3_000_000L, registry); // each read: +3 ms
        writeAndSync(disk);
        assertThat(sim.fileSyncCount()).isEqualTo(1);
        assertThat(sim.dirSyncCount()).isGreaterThanOrEqualTo(1);
        assertThat(sim.hasUnsyncedWrites("d/f")).isFalse();
        assertThat(timer("file").count()).isEqualTo(1);
        assertThat(timer("file").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
        assertThat(timer("dir").count()).isEqualTo(sim.dirSyncCount());
    }

    @Test
    void withFsyncOffSyncsAreSkippedAndTheWriteStaysUnsynced() throws Exception {
        ObservedDisk disk = new ObservedDisk(sim, false, () -> 0L, registry);
        writeAndSync(disk);
        assertThat(sim.fileSyncCount()).isZero();
        assertThat(sim.hasUnsyncedWrites("d/f")).isTrue();
        assertThat(timer("file").count()).isZero();
        assertThat(disk.fsync()).isFalse();
    }
}
