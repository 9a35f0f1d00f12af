package io.conclave.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.ops.config.NodeConfig;
import io.conclave.ops.http.Readiness;
import io.conclave.ops.logging.LogLevels;
import io.conclave.ops.support.Await;
import io.conclave.ops.support.CountingStateMachine;
import io.conclave.storage.disk.SimDisk;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** NodeOps around real runtimes: its census thread, its event log during a failover, its lifecycle. */
class NodeOpsTest {

    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);

    private final LoopbackNetwork network = new LoopbackNetwork();
    private final Map<Long, RaftRuntime> runtimes = new HashMap<>();
    private final Map<Long, NodeOps> ops = new HashMap<>();
    private final Logger events = (Logger) LoggerFactory.getLogger("io.conclave.events");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            lines.add(e.getLevel() + " " + e.getFormattedMessage());
        }
    };

    @BeforeEach
    void captureEvents() {
        capture.start();
        events.addAppender(capture);
        LogLevels.set("io.conclave.events", "INFO");
    }

    @AfterEach
    void tearDown() throws Exception {
        events.detachAppender(capture);
        events.setLevel(null);
        for (NodeOps o : ops.values()) {
            o.close();
        }
        for (RaftRuntime r : runtimes.values()) {
            r.close();
        }
    }

    private NodeOps startNode(long id, String scanMs) throws Exception {
        NodeConfig c = NodeConfig.of(Map.of("node.id", Long.toString(id), "http.port", "-1", "runtime.loops", "1",
                "raft.election.ticks", "20", "raft.heartbeat.ticks", "5", "metrics.group.scan.ms", scanMs,
                "liveness.pause.ms", "200",
                "log.level", "WARN"));
        NodeOps o = NodeOps.create(c, SystemClock.INSTANCE);
        ops.put(id, o);
        RaftRuntime r = new RaftRuntime(id, c.runtimeConfig(), o.observe(new SimDisk(id)), "data",
                network.endpoint(id), new CountingStateMachine(), SystemClock.INSTANCE).start();
        runtimes.put(id, r);
        return o.start(r, Readiness::yes);
    }

    private long leaderSeenBy(long node, long gid) {
        try {
            return runtimes.get(node).status(gid).get(5, TimeUnit.SECONDS).leader();
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void theCensusThreadRunsAtItsIntervalAndTheEventLogReportsAFailover() throws Exception {
        for (long id = 1; id <= 3; id++) {
            startNode(id, "20");
        }
        for (long id : VOTERS) {
            runtimes.get(id).createGroup(7, VOTERS).get(10, TimeUnit.SECONDS);
        }
        Await.until(Duration.ofSeconds(60), () -> leaderSeenBy(2, 7) != 0 && leaderSeenBy(3, 7) != 0,
                () -> "nodes 2 and 3 know group 7's leader");
        long first = leaderSeenBy(2, 7);
        long watcher = first == 2 ? 3 : 2;
        Await.until(Duration.ofSeconds(30), () -> lines.stream().anyMatch(l -> l.startsWith("INFO node " + watcher
                + ": group 7 leader is node " + first + " (term ")), () -> "first sighting logged: " + lines);
        assertThat(ops.get(watcher).census().latest().scans()).isGreaterThanOrEqualTo(1);

        ops.remove(first).close();
        runtimes.remove(first).close();
        Await.until(Duration.ofSeconds(60), () -> {
            long l = leaderSeenBy(watcher, 7);
            return l != 0 && l != first;
        }, () -> "a new leader of group 7");
        Await.until(Duration.ofSeconds(30), () -> lines.stream().anyMatch(l ->
                l.startsWith("INFO node " + watcher + ": group 7 leader moved from node " + first + " to node ")),
                () -> "the move logged: " + lines);
        Await.until(Duration.ofSeconds(30), () -> lines.contains("WARN node " + watcher + ": peer " + first + " is unreachable"),
                () -> "the lost peer logged: " + lines);
        assertThat(ops.get(watcher).census().latest().leaderChanges()).isGreaterThanOrEqualTo(2);
        assertThat(ops.get(watcher).census().latest().termChanges()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void withTheHttpPortOffThereIsNoEndpointAndCloseIsIdempotent() throws Exception {
        NodeOps o = startNode(1, "0");
        assertThat(o.httpPort()).isEmpty();
        assertThat(o.registry().scrape()).contains("conclave_groups_hosted{node=\"1\"} 0");
        assertThatThrownBy(() -> o.start(runtimes.get(1L), Readiness::yes)).hasMessageContaining("already started");
        o.close();
        o.close();
        assertThatThrownBy(() -> o.start(runtimes.get(1L), Readiness::yes)).hasMessageContaining("closed");
    }
}
