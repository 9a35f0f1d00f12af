package io.conclave.bench.storage;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.RealDisk;
import io.conclave.storage.engine.EngineConfig;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageEngine;
import io.conclave.storage.engine.StorageStatus;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Shape (a): the shared WAL with group commit ({@link StorageEngine}), entries materialized into segments. */
final class EngineShape implements Shape {

    private final StorageEngine engine;
    private final GroupLog[] logs;
    private final long[] nextIndex;
    volatile long failures;

    EngineShape(Path dir, int groups, EngineConfig config) throws IOException {
        engine = StorageEngine.open(new RealDisk(dir), "", config, System::currentTimeMillis);
        logs = new GroupLog[groups];
        nextIndex = new long[groups];
        for (int g = 0; g < groups; g++) {
            logs[g] = engine.createGroup(g + 1, null);
            nextIndex[g] = 1;
        }
        engine.startRunner();
    }

    @Override
    public String name() {
        return "shared WAL + group commit";
    }

    @Override
    public boolean append(int group, byte[] data, Runnable done) {
        GroupLog log = logs[group];
        synchronized (log) {
            long index = nextIndex[group];
            StorageStatus s = log.persist(null, List.of(Entry.normal(1, index, data)), null, new WriteCallback() {
                @Override
                public void onDurable() {
                    done.run();
                }

                @Override
                public void onFailed(IOException cause) {
                    failures++;
                }
            });
            if (s != StorageStatus.OK) {
                return false;
            }
            nextIndex[group] = index + 1;
            return true;
        }
    }

    @Override
    public long fsyncs() {
        return engine.walFsyncs();
    }

    StorageEngine engine() {
        return engine;
    }

    @Override
    public void close() throws IOException {
        engine.close();
    }
}
