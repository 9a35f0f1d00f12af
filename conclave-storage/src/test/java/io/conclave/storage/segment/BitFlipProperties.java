package io.conclave.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Bit rot: after a synced log is closed, a few seeded bits of its segment files flip (the index caches are
 * never synced, so they hold no durable bytes to rot; their damage is tested elsewhere).
 * Whatever recovery decides, nothing corrupt is ever served: the log is either flagged for a snapshot
 * (and serves nothing), or serves a prefix of what was written, byte for byte.
 */
class BitFlipProperties {

    static final SegmentConfig CONFIG = SegmentConfig.DEFAULT.withSegmentBytesMax(700).withIndexIntervalBytes(100);

    @Property(tries = 200)
    void flippedBitsAreNeverServed(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int flips) throws IOException {
        SimDisk disk = new SimDisk(seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> written = new ArrayList<>();
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            for (int batch = 0; batch < 12; batch++) {
                List<Entry> es = Entries.range(1 + batch / 4, written.size() + 1, written.size() + 1 + random.nextInt(4),
                        random.nextInt(60));
                log.append(es, 100L * batch);
                written.addAll(es);
            }
            log.sync();
        }
        List<String> files = disk.list("log").stream().filter(n -> n.endsWith(".log")).toList();
        for (int i = 0; i < flips; i++) {
            disk.flipBit("log/" + files.get(random.nextInt(files.size())));
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", CONFIG)) {
            RecoveryReport r = log.recovery();
            Statistics.collect(r.needsSnapshot() ? "needs snapshot" : r.truncatedTail() ? "torn tail cut" : "served");
            if (r.needsSnapshot()) {
                assertThatThrownBy(() -> log.read(1, 2, 100)).isInstanceOf(CorruptLogException.class);
                return;
            }
            long last = log.lastIndex();
            assertThat(log.firstIndex()).isEqualTo(1);
            assertThat(last).isLessThanOrEqualTo(written.size());
            if (!r.truncatedTail()) {
                assertThat(last).isEqualTo(written.size());
            }
            assertThat(log.read(1, last + 1, Long.MAX_VALUE)).isEqualTo(written.subList(0, (int) last));
            for (Entry e : written.subList(0, (int) last)) {
                assertThat(log.term(e.index())).isEqualTo(e.term());
            }
        }
    }
}
