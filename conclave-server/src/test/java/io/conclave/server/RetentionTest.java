package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.ConclaveException;
import io.conclave.client.Consumer;
import io.conclave.client.ConsumerConfig;
import io.conclave.client.ConsumerRecord;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on three real nodes: a size-limited topic drops its oldest records on every replica,
 * reads below the log start are refused, and a replica that restarts, or falls so far behind that
 * the leader has compacted past it, rebuilds the same partition from the retention snapshot.
 */
class RetentionTest {

    private static final String PAD = "x".repeat(1000);

    @TempDir
    Path dir;

    private LocalCluster cluster;
    private RawClient client;
    private int sequence;

    @BeforeEach
    void startCluster() {
        // Snapshot (and so retention) every 20 applied entries; keep only 5 entries behind a snapshot.
        cluster = new LocalCluster(dir, 3, RuntimeConfig.builder().loopCount(1).snapshotEntries(20)
                .compactKeepEntries(5).build());
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.awaitReady(Duration.ofSeconds(60));
        client = new RawClient(cluster);
        client.createTopic("short", 1, 3, Map.of(TopicConfig.RETENTION_BYTES, "8192"));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private void produce(int count) {
        for (int i = 0; i < count; i++) {
            int seq = sequence++;
            client.produce("short", 0, ConsistencyLevel.STRONG, 11, seq, seq + ":" + PAD);
        }
    }

    private PartitionLog partitionOn(long node) {
        ConclaveNode n = cluster.node(node);
        long topicId = n.image().topic("short").orElseThrow().topicId();
        return n.stateMachine().partition(n.image().partitions(topicId).get(0).groupId());
    }

    private FetchResponse fetch(long node, long offset) {
        return cluster.call(node, ConclaveGrpc.FETCH, FetchRequest.newBuilder().setTopic("short").setPartition(0)
                .setOffset(offset).setConsistency(ConsistencyLevel.EVENTUAL).build());
    }

    private void awaitReplicasAgree() {
        LocalCluster.Await.until(Duration.ofSeconds(30), () -> client.digests("short", 0).values().stream()
                .distinct().count() == 1, () -> "replicas agree: " + client.digests("short", 0));
    }

    @Test
    void everyReplicaDropsItsOldestRecordsAndServesOnlyWhatItKeeps() {
        produce(80);
        LocalCluster.Await.until(Duration.ofSeconds(30), () -> cluster.nodes().keySet().stream()
                .allMatch(id -> partitionOn(id).logStartOffset() > 0), () -> "every replica applied retention");
        awaitReplicasAgree();
        for (long id : cluster.nodes().keySet()) {
            PartitionLog log = partitionOn(id);
            // Retention runs at each snapshot threshold (20 entries), so at most 20 more batches than fit.
            assertThat(log.retainedBytes()).as("bytes kept on node %d", id).isLessThanOrEqualTo(8192 + 21 * 1100);
            long start = log.logStartOffset();
            assertThatThrownBy(() -> fetch(id, start - 1))
                    .satisfies(e -> assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE));
            FetchResponse r = fetch(id, start);
            assertThat(r.getLogStartOffset()).isEqualTo(start);
            assertThat(r.getRecords(0).getOffset()).isEqualTo(start);
            assertThat(RawClient.value(r.getRecords(0))).startsWith(start + ":");
            assertThat(r.getHighWatermark()).isEqualTo(80);
        }
        try (ConclaveClient conclave = ConclaveClient.connect(ClientConfig.of(cluster.clientAddress(1),
                cluster.clientAddress(2), cluster.clientAddress(3)));
             Consumer consumer = conclave.consumer(ConsumerConfig.defaults())) {
            consumer.assign("short", 0);
            List<ConsumerRecord> first = LocalCluster.Await.result(Duration.ofSeconds(30), () -> {
                List<ConsumerRecord> got = consumer.poll(Duration.ofMillis(500));
                return got.isEmpty() ? null : got;
            }, "a new consumer's first records");
            long leaderStart = partitionOn(client.leaderOf("short", 0)).logStartOffset();
            assertThat(first.get(0).offset()).as("a new consumer starts at the leader's log start").isPositive()
                    .isLessThanOrEqualTo(leaderStart);
            assertThat(new String(first.get(0).value(), java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith(first.get(0).offset() + ":");
            consumer.seek("short", 0, 0);
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .as("an explicit seek below the start is an error")
                    .isInstanceOf(ConclaveException.class)
                    .satisfies(e -> assertThat(((ConclaveException) e).code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE));
            consumer.seekToBeginning("short", 0);
            List<ConsumerRecord> again = LocalCluster.Await.result(Duration.ofSeconds(30), () -> {
                List<ConsumerRecord> got = consumer.poll(Duration.ofMillis(500));
                return got.isEmpty() ? null : got;
            }, "records after seekToBeginning");
            assertThat(again.get(0).offset()).isPositive();
        }
    }

    @Test
    void aRestartedReplicaAndOneTheLeaderCompactedPastRebuildTheSamePartition() {
        produce(45);
        long leader = client.leaderOf("short", 0);
        long restarted = leader == 1 ? 2 : 1;
        long lagging = 6 - leader - restarted;
        awaitReplicasAgree();

        cluster.stop(restarted);
        cluster.start(restarted);
        cluster.awaitReady(Duration.ofSeconds(60));
        awaitReplicasAgree();
        assertThat(partitionOn(restarted).logStartOffset()).as("restored from its retention snapshot").isPositive();

        // The lagging node misses 60 entries; the leader keeps 5 entries behind its boundary, so it
        // must send its retention snapshot, then the entries after it.
        cluster.kill(lagging);
        produce(60);
        cluster.start(lagging);
        cluster.awaitReady(Duration.ofSeconds(60));
        awaitReplicasAgree();
        PartitionLog caughtUp = partitionOn(lagging);
        assertThat(caughtUp.nextOffset()).isEqualTo(105);
        assertThat(cluster.node(lagging).runtime().stats().snapshotsRestored())
                .as("its own snapshot at start, then the leader's").isGreaterThanOrEqualTo(2);
        assertThat(caughtUp.logStartOffset()).isPositive();
        long start = caughtUp.logStartOffset();
        FetchResponse r = fetch(lagging, start);
        assertThat(RawClient.value(r.getRecords(0))).startsWith(start + ":");
        produce(1);
        awaitReplicasAgree();
        assertThatThrownBy(() -> client.readAll(client.leaderOf("short", 0), "short", 0, ConsistencyLevel.LINEARIZABLE))
                .as("nothing below the start is served")
                .satisfies(e -> assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE));
    }
}
