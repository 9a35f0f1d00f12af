package io.conclave.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.SimDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Named regressions of {@link BitFlipProperties}. */
class BitFlipRegressionTest {

    /**
     * Seed 163, three flips, all in the last segment: its header and both its records. Recovery used to
     * drop the segment as "torn at creation" without reporting a torn tail, so two synced entries vanished
     * and the replica could not know it had lost entries it had acknowledged.
     */
    @Test
    void droppedLastSegmentWithRottedHeaderIsReportedAsATornTail_seed163() throws Exception {
        long seed = 163;
        SimDisk disk = new SimDisk(seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> written = new ArrayList<>();
        try (SegmentLog log = SegmentLog.open(disk, "log", BitFlipProperties.CONFIG)) {
            for (int batch = 0; batch < 12; batch++) {
                List<Entry> es = Entries.range(1 + batch / 4, written.size() + 1,
                        written.size() + 1 + random.nextInt(4), random.nextInt(60));
                log.append(es, 100L * batch);
                written.addAll(es);
            }
            log.sync();
        }
        List<String> files = disk.list("log").stream().filter(n -> n.endsWith(".log")).toList();
        for (int i = 0; i < 3; i++) {
            disk.flipBit("log/" + files.get(random.nextInt(files.size())));
        }
        try (SegmentLog log = SegmentLog.open(disk, "log", BitFlipProperties.CONFIG)) {
            RecoveryReport r = log.recovery();
            assertThat(log.lastIndex()).isLessThan(written.size());
            assertThat(r.truncatedTail()).as(r.describe()).isTrue();
            assertThat(log.read(1, log.lastIndex() + 1, Long.MAX_VALUE))
                    .isEqualTo(written.subList(0, (int) log.lastIndex()));
        }
    }
}
