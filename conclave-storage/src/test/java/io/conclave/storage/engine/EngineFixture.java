package io.conclave.storage.engine;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.wal.WalConfig;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A storage engine on a SimDisk with a virtual clock, small files, and helpers to drive it. */
final class EngineFixture {

    SimDisk disk;
    StorageEngine engine;
    long nowMs = 1_000;
    final EngineConfig config;

    EngineFixture(long seed) throws IOException {
        this(seed, smallConfig());
    }

    EngineFixture(long seed, EngineConfig config) throws IOException {
        this.config = config;
        this.disk = new SimDisk(seed);
        reopen();
    }

    static EngineConfig smallConfig() {
        return new EngineConfig(new WalConfig(16 << 10, 64 << 10, 4096, 1024, 1 << 20, false),
                SegmentConfig.DEFAULT.withSegmentBytesMax(4096).withIndexIntervalBytes(256), 100, 64, 64, 4, 0, 3);
    }

    void reopen() throws IOException {
        engine = StorageEngine.open(disk, "data", config, () -> nowMs);
    }

    /** Power loss: the engine is abandoned, the disk keeps what a crash keeps, the engine reopens. */
    void crashAndReopen() throws IOException {
        disk = disk.crash();
        reopen();
    }

    /** Runs the agent until it is idle (bounded). */
    void drain() {
        for (int i = 0; i < 10_000; i++) {
            if (engine.doWork() == 0 && !engine.hasWork()) {
                return;
            }
        }
        throw new AssertionError("engine did not become idle");
    }

    /** Advances the virtual clock past the segment sync interval and drains. */
    void syncSegments() {
        nowMs += config.segmentSyncIntervalMs();
        drain();
    }

    static List<Entry> entries(long term, long from, int count, int bytes, long salt) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            for (int b = 0; b < bytes; b++) {
                data[b] = (byte) (salt * 31 + from + i + b);
            }
            out.add(Entry.normal(term, from + i, data));
        }
        return out;
    }

    /** A callback that records the outcome. */
    static final class Outcome implements WriteCallback {
        int durable;
        IOException failure;

        @Override
        public void onDurable() {
            durable++;
        }

        @Override
        public void onFailed(IOException cause) {
            failure = cause;
        }
    }
}
