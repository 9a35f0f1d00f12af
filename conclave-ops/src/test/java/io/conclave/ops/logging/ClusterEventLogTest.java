package io.conclave.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.conclave.multiraft.liveness.LivenessStats;
import io.conclave.multiraft.liveness.PeerSilence;
import io.conclave.multiraft.loop.LoopStats;
import io.conclave.multiraft.node.RuntimeStats;
import io.conclave.ops.metrics.CensusReport;
import io.conclave.ops.metrics.LeaderChange;
import io.conclave.ops.metrics.RuntimeSample;
import io.conclave.transport.TransportStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClusterEventLogTest {

    private final Logger events = (Logger) LoggerFactory.getLogger("io.conclave.events");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final ClusterEventLog log = new ClusterEventLog(1, 2);

    @BeforeEach
    void capture() {
        captured.start();
        events.addAppender(captured);
        LogLevels.set("io.conclave.events", "INFO");
    }

    @AfterEach
    void release() {
        events.detachAppender(captured);
        events.setLevel(null); // back to the configured level
    }

    private List<String> lines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : captured.list) {
            out.add(e.getLevel() + " " + e.getFormattedMessage());
        }
        return out;
    }

    private static CensusReport report(int groups, int leaders) {
        return new CensusReport(1, groups, leaders, groups - leaders, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0);
    }

    private static RuntimeSample sample(long suspicions, long recoveries, boolean peer2Up, boolean peer3Up) {
        TransportStats t = new TransportStats(Map.of(
                2L, new TransportStats.PeerStats(2, peer2Up, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                3L, new TransportStats.PeerStats(3, peer3Up, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        RuntimeStats r = new RuntimeStats(LoopStats.ZERO, new LivenessStats(suspicions, recoveries, 0, 0, 0, 0, 0), 0, 0, 0);
        return new RuntimeSample(r, t, null);
    }

    @Test
    void eachLeaderChangeIsOneLineUpToTheCapThenOneSummary() {
        log.onCensus(report(10, 4), List.of(new LeaderChange(5, 0, 2, 0, 1), new LeaderChange(6, 2, 3, 1, 2),
                new LeaderChange(7, 2, 3, 1, 2), new LeaderChange(8, 2, 3, 1, 2)));
        assertThat(lines()).containsExactly(
                "INFO node 1: group 5 leader is node 2 (term 1)",
                "INFO node 1: group 6 leader moved from node 2 to node 3 (term 1 -> 2)",
                "INFO node 1: 2 more leader changes in this census (groups led here now: 4 of 10)");
    }

    @Test
    void aQuietCensusWritesNothing() {
        log.onCensus(report(10, 4), List.of());
        assertThat(lines()).isEmpty();
    }

    @Test
    void reachabilityAndLivenessChangesAreLoggedOncePerChange() {
        log.onSample(sample(0, 0, true, true));
        log.onSample(sample(0, 0, true, true));
        assertThat(lines()).isEmpty();
        log.onSample(sample(1, 0, false, true));
        log.onSample(sample(1, 0, false, true));
        log.onSample(sample(1, 1, true, true));
        assertThat(lines()).containsExactly(
                "WARN node 1: peer 2 is unreachable",
                "WARN node 1: liveness suspected 1 peer(s) since the last look; unreachable now: [2]",
                "INFO node 1: peer 2 is reachable again",
                "INFO node 1: liveness recovered 1 peer(s) since the last look; unreachable now: []");
    }

    @Test
    void asALivenessListenerItLogsTheSuspectedPeerAtOnce() {
        log.onSuspected(3, 0, new PeerSilence(182_000_000L, 10_000_000L));
        log.onRecovered(3, 0, new PeerSilence(240_000_000L, 230_000_000L));
        log.onSuspected(2, 0, new PeerSilence(170_000_000L, 10_000_000L));
        log.onRecovered(2, 0, new PeerSilence(200_000_000L, 10_000_000L));
        assertThat(lines()).containsExactly(
                "WARN node 1: peer 3 suspected by liveness (silent 182 ms, pings sent 10 ms apart);"
                        + " followers of its groups start failover",
                "INFO node 1: peer 3 recovered (heard from again; silent 240 ms, pings sent 230 ms apart)",
                "WARN node 1: peer 2 suspected by liveness (silent 170 ms, pings sent 10 ms apart);"
                        + " followers of its groups start failover",
                "WARN node 1: peer 2 recovered (silent 200 ms, pings sent 10 ms apart: held on the way, not a"
                        + " stall of the peer)");
    }
}
