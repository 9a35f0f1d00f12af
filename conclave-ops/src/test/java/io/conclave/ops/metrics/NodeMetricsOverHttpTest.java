package io.conclave.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.ops.NodeOps;
import io.conclave.ops.config.NodeConfig;
import io.conclave.ops.http.Readiness;
import io.conclave.ops.support.Await;
import io.conclave.ops.support.CountingStateMachine;
import io.conclave.ops.support.PrometheusText;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.RealDisk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real runtimes over a loopback network on real disks, each with its {@link NodeOps}: the
 * HTTP endpoint serves metrics that parse as Prometheus text and show what the cluster did.
 */
class NodeMetricsOverHttpTest {

    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);
    private static final int GROUPS = 4;
    private static final int PROPOSALS_PER_GROUP = 5;

    @TempDir
    Path dir;

    private final LoopbackNetwork network = new LoopbackNetwork();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Long, RaftRuntime> runtimes = new HashMap<>();
    private final Map<Long, NodeOps> ops = new HashMap<>();

    @AfterEach
    void tearDown() throws Exception {
        for (NodeOps o : ops.values()) {
            o.close();
        }
        for (RaftRuntime r : runtimes.values()) {
            r.close();
        }
    }

    private static NodeConfig config(long id) throws Exception {
        // a tolerant failure detector: a loaded test machine must not make liveness suspect live peers
        return NodeConfig.of(Map.of("node.id", Long.toString(id), "http.port", "0", "raft.port", "0",
                "client.port", "0", "runtime.loops", "1", "raft.election.ticks", "20", "raft.heartbeat.ticks", "5",
                "liveness.pause.ms", "1000", "metrics.group.scan.ms", "0", "log.level", "WARN"));
    }

    private void startNode(long id) throws Exception {
        NodeConfig c = config(id);
        NodeOps o = NodeOps.create(c, SystemClock.INSTANCE);
        ops.put(id, o);
        Disk disk = o.observe(new RealDisk(dir.resolve("n" + id)));
        RaftRuntime r = new RaftRuntime(id, c.runtimeConfig(), disk, "data", network.endpoint(id),
                new CountingStateMachine(), SystemClock.INSTANCE).start();
        runtimes.put(id, r);
        o.start(r, () -> readiness(o.census()));
    }

    /** The readiness check under test: ready once a census saw groups, every one with a leader. */
    private static Readiness readiness(GroupCensus census) {
        CensusReport c = census.latest();
        if (c.scans() == 0 || c.groups() == 0) {
            return Readiness.notReady("no group hosted yet");
        }
        return c.leaderless() == 0 ? Readiness.yes() : Readiness.notReady(c.leaderless() + " groups have no leader");
    }

    private HttpResponse<String> get(long node, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + ops.get(node).httpPort().orElseThrow() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private PrometheusText scrape(long node) throws Exception {
        HttpResponse<String> r = get(node, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    private long leaderOf(long gid) {
        for (RaftRuntime r : runtimes.values()) {
            try {
                var s = r.status(gid).get(5, TimeUnit.SECONDS);
                if (s.isLeader()) {
                    return s.nodeId();
                }
            } catch (Exception e) {
                // not answered in time: ask the next node
            }
        }
        return 0;
    }

    /** Takes censuses on every node until they agree that each group has one leader, known everywhere. */
    private void awaitSettledCensus() {
        Await.until(Duration.ofSeconds(60), () -> {
            int leaders = 0;
            for (NodeOps o : ops.values()) {
                CensusReport r;
                try {
                    r = o.census().takeCensus();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (r.leaderless() > 0 || r.unanswered() > 0 || r.groups() != GROUPS) {
                    return false;
                }
                leaders += r.leaders();
            }
            return leaders == GROUPS;
        }, () -> "a census where every group has exactly one leader");
    }

    private void startClusterWithReplicatedGroups() throws Exception {
        for (long id = 1; id <= 3; id++) {
            startNode(id);
        }
        List<CompletableFuture<Void>> created = new ArrayList<>();
        for (long gid = 1; gid <= GROUPS; gid++) {
            for (long id : VOTERS) {
                created.add(runtimes.get(id).createGroup(gid, VOTERS));
            }
        }
        for (CompletableFuture<Void> f : created) {
            f.get(10, TimeUnit.SECONDS);
        }
        for (long gid = 1; gid <= GROUPS; gid++) {
            long g = gid;
            Await.until(Duration.ofSeconds(60), () -> leaderOf(g) != 0, () -> "group " + g + " has a leader");
            RaftRuntime leader = runtimes.get(leaderOf(g));
            for (int i = 0; i < PROPOSALS_PER_GROUP; i++) {
                leader.propose(g, ("v" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            }
        }
        Await.until(Duration.ofSeconds(20), () -> runtimes.values().stream()
                        .allMatch(r -> r.stats().entriesApplied() >= (long) GROUPS * PROPOSALS_PER_GROUP),
                () -> "every node applied every proposal");
    }

    @Test
    void scrapedMetricsParseAndShowTheClustersWork() throws Exception {
        startClusterWithReplicatedGroups();
        double leadersEverywhere = 0;
        awaitSettledCensus();
        for (long id = 1; id <= 3; id++) {
            PrometheusText m = scrape(id);
            String nodeId = Long.toString(id);
            Map<String, String> node = Map.of("node", nodeId);
            assertThat(m.samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("node", nodeId));
            assertThat(m.type("conclave_groups_hosted")).isEqualTo("gauge");
            assertThat(m.value("conclave_groups_hosted", node)).isEqualTo(GROUPS);
            assertThat(m.value("conclave_apply_entries_total", node)).isGreaterThanOrEqualTo(GROUPS * PROPOSALS_PER_GROUP);
            assertThat(m.value("conclave_raft_messages_in_total", node)).isPositive();
            assertThat(m.value("conclave_raft_readies_total", node)).isPositive();
            assertThat(m.value("conclave_raft_ticks_total", node)).isPositive();
            assertThat(m.value("conclave_raft_term_max", node)).isGreaterThanOrEqualTo(1);
            assertThat(m.value("conclave_groups_censuses_total", node)).isGreaterThanOrEqualTo(1);
            assertThat(m.value("conclave_groups_unanswered", node)).isZero();
            assertThat(m.value("conclave_groups_leaderless", node)).isZero();
            assertThat(m.value("conclave_groups_leaders", node) + m.value("conclave_groups_followers", node))
                    .isEqualTo(GROUPS);
            leadersEverywhere += m.value("conclave_groups_leaders", node);
            assertThat(m.value("conclave_transport_peers", node)).isEqualTo(2);
            assertThat(m.value("conclave_transport_peers_unreachable", node)).isZero();
            for (long peer = 1; peer <= 3; peer++) {
                if (peer != id) {
                    Map<String, String> p = Map.of("peer", Long.toString(peer));
                    assertThat(m.value("conclave_transport_peer_reachable", p)).isEqualTo(1);
                    assertThat(m.value("conclave_transport_messages_sent_total", p)).isPositive();
                    assertThat(m.value("conclave_transport_messages_received_total", p)).isPositive();
                    assertThat(m.value("conclave_transport_messages_dropped_total", p)).isGreaterThanOrEqualTo(0);
                }
            }
            assertThat(m.value("conclave_liveness_pings_sent_total", node)).isPositive();
            assertThat(m.value("conclave_storage_wal_fsyncs_total", node)).isPositive();
            assertThat(m.value("conclave_storage_wal_batches_total", node)).isPositive();
            assertThat(m.value("conclave_storage_fsync_seconds_count", Map.of("kind", "file"))).isPositive();
            assertThat(m.value("conclave_storage_fsync_seconds_sum", Map.of("kind", "file"))).isPositive();
            assertThat(m.value("conclave_storage_fsync_seconds_bucket", Map.of("kind", "file", "le", "+Inf")))
                    .isEqualTo(m.value("conclave_storage_fsync_seconds_count", Map.of("kind", "file")));
            assertThat(m.sum("jvm_memory_used_bytes")).isPositive();
            assertThat(m.value("jvm_threads_live_threads", node)).isPositive();
            assertThat(m.value("system_cpu_count", node)).isGreaterThanOrEqualTo(1);
            assertThat(m.named("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
        }
        assertThat(leadersEverywhere).isEqualTo(GROUPS);
        assertEveryConclaveFamilyIsDocumented(scrape(1));
        double elections = 0;
        for (long id = 1; id <= 3; id++) {
            elections += scrape(id).value("conclave_raft_elections_started_total", Map.of());
        }
        assertThat(elections).isGreaterThanOrEqualTo(GROUPS);
    }

    /** docs/operations.md names every conclave_ family a node exposes. */
    private static void assertEveryConclaveFamilyIsDocumented(PrometheusText m) throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("..", "docs", "operations.md"), StandardCharsets.UTF_8);
        List<String> families = m.families().stream().filter(f -> f.startsWith("conclave_")).toList();
        assertThat(families).hasSizeGreaterThan(50);
        assertThat(families).allSatisfy(f -> assertThat(doc).as("docs/operations.md lists %s", f).contains("| `" + f + "` |"));
    }

    @Test
    void readinessTurns200OnlyOnceTheSuppliedCheckPasses() throws Exception {
        for (long id = 1; id <= 3; id++) {
            startNode(id);
        }
        assertThat(get(1, "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> before = get(1, "/health/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("no group hosted yet\n");
        ops.get(1L).census().takeCensus();
        assertThat(get(1, "/health/ready").statusCode()).isEqualTo(503);
        startClusterGroupsOnly();
        Await.until(Duration.ofSeconds(60), () -> {
            try {
                ops.get(1L).census().takeCensus();
                return get(1, "/health/ready").statusCode() == 200;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, () -> "ready once a census saw group 1 with its leader");
        assertThat(get(1, "/health/ready").body()).isEqualTo("ready\n");
    }

    private void startClusterGroupsOnly() throws Exception {
        for (long id : VOTERS) {
            runtimes.get(id).createGroup(1, VOTERS).get(10, TimeUnit.SECONDS);
        }
        Await.until(Duration.ofSeconds(60), () -> leaderOf(1) != 0, () -> "group 1 has a leader");
        Await.until(Duration.ofSeconds(60), () -> {
            try {
                return runtimes.get(1L).status(1).get(5, TimeUnit.SECONDS).leader() != 0;
            } catch (Exception e) {
                return false;
            }
        }, () -> "node 1 knows group 1's leader");
    }
}
