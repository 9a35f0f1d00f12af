package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose data directory was replaced (or wiped) starts empty under a node id the cluster already
 * gave replicas to. Created as plain voters, its empty replicas granted their vote to any candidate: with
 * the only other holder of some acknowledged records down, a replica lacking them was elected with the
 * replaced node's vote, and the records were gone when the holder came back. The replaced node's
 * replicas must rejoin (no vote until caught up) — and a brand-new cluster, every directory empty, must
 * still create its replicas as voters, or no group could ever elect a leader.
 *
 * <p>In the first test node 2 starts while nodes 1 and 3 are both down, so its controller replica is
 * created as a voter (no peer answers its probe: the documented limit of the controller's check) and
 * the partition's rule alone keeps the records.
 */
class ReplacedDiskTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private LocalCluster cluster;
    private RawClient client;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplacedDisksReplicasRejoinAndNoAcknowledgedRecordIsLost() {
        cluster = LocalCluster.startedThree(dir);
        client = new RawClient(cluster);
        client.createTopic("events", 1, 3);
        long groupId = groupOf(cluster.node(1).image(), "events");
        Map<String, Long> acked = produce("events", 0, 10);
        cluster.kill(3);
        acked.putAll(produce("events", 10, 30)); // committed on nodes 1 and 2 only

        cluster.kill(1);
        cluster.kill(2);
        wipe(dir.resolve("node-2"));
        ConclaveNode replaced = cluster.start(2);
        cluster.start(3);
        LocalCluster.Await.until(BOUND, replaced::isReady, () -> "node 2 registered: " + replaced.notReadyReason());
        LocalCluster.Await.until(BOUND, () -> replaced.runtime().hostsGroup(groupId),
                () -> "node 2 recreated its replica of group " + groupId);
        assertThat(replaced.runtime().rejoiningGroups()).as("node 2's recreated replica rejoins").contains(groupId);
        LocalCluster.Await.until(BOUND, () -> readIdentity(dir.resolve("node-2")).contains("loss.check=settled"),
                () -> "node 2's directory settled once its lost replica was recreated rejoining");

        cluster.start(1);
        cluster.awaitReady(BOUND);
        verify("events", acked);
        LocalCluster.Await.until(BOUND, () -> !replaced.runtime().rejoiningGroups().contains(groupId),
                () -> "node 2 finished rejoining: " + replaced.runtime().rejoiningGroups());
    }

    @Test
    void aReplacedControllerRejoinsTheControllerGroupAndCatchesUpInALiveCluster() {
        cluster = LocalCluster.startedThree(dir);
        client = new RawClient(cluster);
        client.createTopic("events", 1, 3);
        long groupId = groupOf(cluster.node(1).image(), "events");
        Map<String, Long> acked = produce("events", 0, 20);
        cluster.kill(2);
        wipe(dir.resolve("node-2"));
        ConclaveNode replaced = cluster.start(2);
        assertThat(replaced.runtime().rejoiningGroups()).as("nodes 1 and 3 list node 2: its controller replica rejoins")
                .contains(0L);
        LocalCluster.Await.until(BOUND, () -> replaced.runtime().hostsGroup(groupId),
                () -> "node 2 recreated its replica of group " + groupId);
        acked.putAll(produce("events", 20, 5));
        cluster.awaitReady(BOUND);
        LocalCluster.Await.until(BOUND, () -> replaced.runtime().rejoiningGroups().isEmpty(),
                () -> "node 2 finished rejoining: " + replaced.runtime().rejoiningGroups());
        verify("events", acked);
    }

    @Test
    void aBrandNewClusterCreatesItsReplicasAsVotersAndSettlesItsDirectories() {
        cluster = LocalCluster.startedThree(dir);
        client = new RawClient(cluster);
        client.createTopic("fresh", 2, 3);
        Map<String, Long> acked = produce("fresh", 0, 5);
        for (ConclaveNode n : cluster.nodes().values()) {
            assertThat(n.runtime().rejoiningGroups()).as("node %d rejoins nothing", n.nodeId()).isEmpty();
        }
        for (long id = 1; id <= 3; id++) {
            Path d = dir.resolve("node-" + id);
            LocalCluster.Await.until(BOUND, () -> readIdentity(d).contains("loss.check=settled"),
                    () -> d + " settled: " + readIdentity(d));
        }
        verify("fresh", acked);
    }

    private Map<String, Long> produce(String topic, int from, int count) {
        Map<String, Long> acked = new TreeMap<>();
        for (int i = from; i < from + count; i++) {
            String v = "r-" + i;
            ProduceResponse r = client.produce(topic, 0, ConsistencyLevel.STRONG, 7, i, v);
            acked.put(v, r.getBaseOffset());
        }
        return acked;
    }

    private void verify(String topic, Map<String, Long> acked) {
        LocalCluster.Await.until(BOUND, () -> {
            Map<Long, List<Long>> d = client.digests(topic, 0);
            return d.keySet().containsAll(Set.of(1L, 2L, 3L)) && new HashSet<>(d.values()).size() == 1;
        }, () -> "replicas agree: " + client.digests(topic, 0));
        List<String> log = LocalCluster.Await.result(BOUND,
                () -> client.readAll(client.leaderOf(topic, 0), topic, 0, ConsistencyLevel.LINEARIZABLE),
                "a linearizable read of " + topic);
        acked.forEach((v, off) -> assertThat(off).as("offset of %s", v).isLessThan(log.size()));
        acked.forEach((v, off) -> assertThat(log.get(off.intValue())).as("acknowledged %s at %d", v, off).isEqualTo(v));
    }

    private static long groupOf(ClusterImage img, String topic) {
        return img.partitions(img.topic(topic).orElseThrow().topicId()).get(0).groupId();
    }

    private static String readIdentity(Path nodeDir) {
        try {
            return Files.readString(nodeDir.resolve("identity.properties"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void wipe(Path nodeDir) {
        try (Stream<Path> all = Files.walk(nodeDir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
