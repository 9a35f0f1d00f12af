package io.conclave.check.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.SimulatedHistories;
import io.conclave.check.history.History;
import io.conclave.check.history.HistoryWriter;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Log scans find nothing in histories of a simulated correct log, and find a planted phantom read. */
class LogScanProperties {
    @Property(tries = 200)
    void simulatedCorrectLogsScanClean(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int clients,
                                       @ForAll @IntRange(min = 1, max = 120) int opsPerKey) {
        Random rnd = new Random(seed);
        History h = new SimulatedHistories(rnd, 0.05, 0.05).logs(2, clients, opsPerKey);

        LogScanResult r = LogScanner.scan(h);

        assertThat(r.anomalies()).as("%s", HistoryWriter.toText(h)).isEmpty();
        History broken = SimulatedHistories.withImpossibleRead(h, rnd);
        if (broken != null) {
            assertThat(LogScanner.scan(broken).of(LogAnomaly.Type.PHANTOM_READ)).hasSize(1);
        }
    }
}
