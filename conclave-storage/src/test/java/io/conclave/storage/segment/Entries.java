package io.conclave.storage.segment;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test entries whose payload is a function of (term, index, salt), so a reader can check them. */
final class Entries {

    private Entries() {
    }

    static byte[] payload(long term, long index, int salt, int len) {
        SplittableRandom r = new SplittableRandom(term * 1_000_003L + index * 31 + salt);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    static Entry entry(long term, long index, int len) {
        return new Entry(term, index, index % 7 == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL,
                payload(term, index, 0, len));
    }

    /** Entries [from, to] in {@code term}, each {@code len} bytes of payload. */
    static List<Entry> range(long term, long from, long to, int len) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(term, i, len));
        }
        return out;
    }
}
