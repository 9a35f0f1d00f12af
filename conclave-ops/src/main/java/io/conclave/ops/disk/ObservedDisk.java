package io.conclave.ops.disk;

import io.conclave.multiraft.time.Clock;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A disk whose syncs are timed ({@code conclave_storage_fsync_seconds}, tagged {@code kind="file"} or
 * {@code kind="dir"}, with histogram buckets from 100 us to 1 s) and, when {@code fsync} is false,
 * skipped: then an acknowledged write is only in the page cache, and a machine crash can lose it.
 * Every other call goes straight to the wrapped disk.
 */
public final class ObservedDisk extends ForwardingDisk {

    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1_000)};

    private final boolean fsync;
    private final Clock clock;
    private final Timer fileSyncs;
    private final Timer dirSyncs;

    public ObservedDisk(Disk disk, boolean fsync, Clock clock, MeterRegistry registry) {
        super(disk);
        this.fsync = fsync;
        this.clock = clock;
        this.fileSyncs = timer(registry, "file");
        this.dirSyncs = timer(registry, "dir");
    }

    private static Timer timer(MeterRegistry registry, String kind) {
        return Timer.builder("conclave.storage.fsync")
                .description("Time of one fsync (file data, or a directory after create/rename/delete)")
                .tag("kind", kind)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** Whether syncs reach the wrapped disk. */
    public boolean fsync() {
        return fsync;
    }

    private void timed(Timer timer, IoAction action) throws IOException {
        if (!fsync) {
            return;
        }
        long start = clock.nowNs();
        try {
            action.run();
        } finally {
            timer.record(clock.nowNs() - start, TimeUnit.NANOSECONDS);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    @Override
    protected FileHandle wrap(String path, FileHandle file) {
        return new ForwardingFile(file) {
            @Override
            public void sync() throws IOException {
                timed(fileSyncs, file::sync);
            }
        };
    }

    @Override
    public void syncDir(String dir) throws IOException {
        timed(dirSyncs, () -> disk.syncDir(dir));
    }
}
