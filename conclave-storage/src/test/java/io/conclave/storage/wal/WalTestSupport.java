package io.conclave.storage.wal;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the WAL tests. */
final class WalTestSupport {

    private WalTestSupport() {
    }

    /** A callback that records what it was told. */
    static final class Recorder implements WriteCallback {
        int durable;
        final List<IOException> failures = new ArrayList<>();

        @Override
        public void onDurable() {
            durable++;
        }

        @Override
        public void onFailed(IOException cause) {
            failures.add(cause);
        }
    }

    static List<Entry> entries(long term, long from, int count, int bytes) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            for (int b = 0; b < bytes; b++) {
                data[b] = (byte) (from + i + b);
            }
            out.add(Entry.normal(term, from + i, data));
        }
        return out;
    }

    static WriteRequest request(long groupId, long from, int count, WriteCallback cb) {
        return new WriteRequest(groupId, null, entries(1, from, count, 16), new HardState(1, 1, from), 0, cb);
    }

    static WalConfig smallConfig() {
        return new WalConfig(8192, 4096, 1024, 1024, 1 << 20, false).validate();
    }
}
