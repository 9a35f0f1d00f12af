package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Consumer;
import io.conclave.client.ConsumerConfig;
import io.conclave.client.ConsumerRecord;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import io.conclave.server.support.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined idempotent producers (5 batches in flight per partition) against three real nodes: a
 * leader killed mid-stream loses, duplicates and reorders nothing; leader changes are followed
 * without back-off when someone knows the leader.
 */
class PipelinedProduceTest {

    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ConclaveClient start() {
        cluster = LocalCluster.startedThree(dir);
        return cluster.connectClient();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Small batches so that many are in flight at once. */
    private static ProducerConfig pipelined() {
        return ProducerConfig.defaults().withLingerMs(1).withBatchLimits(1 << 20, 40).withInFlightPerPartitionMax(5);
    }

    private List<ConsumerRecord> consume(ConclaveClient client, String topic, int partition, long expected) {
        List<ConsumerRecord> out = new ArrayList<>();
        try (Consumer consumer = client.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.LINEARIZABLE))) {
            consumer.assign(topic, partition);
            LocalCluster.Await.until(Duration.ofSeconds(60), () -> {
                out.addAll(consumer.poll(Duration.ofMillis(200)));
                return out.size() >= expected;
            }, () -> "consumed " + out.size() + " of " + expected + " from " + topic + "/" + partition);
        }
        return out;
    }

    /** The leader of {@code partition} as the node hosting it sees it, once every replica agrees on one. */
    private long agreedLeader(ConclaveClient client, String topic, int partition) {
        PartitionMetadata p = client.admin().describeTopic(topic).getPartitions(partition);
        long[] leader = {0};
        LocalCluster.Await.until(Duration.ofSeconds(30), () -> {
            Set<Long> seen = new HashSet<>();
            for (long r : p.getReplicasList()) {
                seen.add(cluster.node(r).runtime().leaderOf(p.getGroupId()).node());
            }
            leader[0] = seen.size() == 1 ? seen.iterator().next() : 0;
            return leader[0] != 0;
        }, () -> "the replicas of " + topic + "/" + partition + " agree on a leader");
        return leader[0];
    }

    @Test
    void fiveBatchesInFlightRideThroughAKilledLeaderWithoutLossDuplicatesOrReordering() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("pipe", 2, 3, Map.of());
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            long killed = agreedLeader(client, "pipe", 0);
            try (Producer producer = client.producer(pipelined())) {
                for (int i = 0; i < 6_000; i++) {
                    acks.add(producer.send("pipe", bytes("key-" + (i % 23)), bytes("m" + i)));
                    if (i == 2_000) {
                        cluster.kill(killed); // no flush first: batches are in flight when it dies
                    }
                }
                producer.flush();
            }
            Map<String, RecordMetadata> where = new HashMap<>();
            for (int i = 0; i < acks.size(); i++) {
                assertThat(acks.get(i)).as("record %d acknowledged", i).succeedsWithin(Duration.ofSeconds(1));
                where.put("m" + i, acks.get(i).join());
            }
            Set<String> values = new HashSet<>();
            Map<String, Integer> lastPerKey = new HashMap<>();
            for (int partition = 0; partition < 2; partition++) {
                int part = partition;
                long expected = where.values().stream().filter(m -> m.partition() == part).count();
                List<ConsumerRecord> log = consume(client, "pipe", partition, expected);
                assertThat(log).hasSize((int) expected);
                for (int i = 0; i < log.size(); i++) {
                    ConsumerRecord r = log.get(i);
                    assertThat(r.offset()).isEqualTo(i);
                    String v = str(r.value());
                    assertThat(values.add(v)).as("duplicate %s", v).isTrue();
                    assertThat(where.get(v).offset()).as("acked offset of %s", v).isEqualTo(r.offset());
                    int idx = Integer.parseInt(v.substring(1));
                    Integer prev = lastPerKey.put(str(r.key()), idx);
                    assertThat(prev == null || prev < idx).as("order of key %s: %s before %s", str(r.key()), prev, idx)
                            .isTrue();
                }
            }
            assertThat(values).hasSize(6_000);
        }
    }

    @Test
    void aProducerFollowsAMovedLeaderWithoutBackingOff() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("moved", 1, 3, Map.of());
            long leader = agreedLeader(client, "moved", 0);
            try (Producer producer = client.producer(pipelined())) {
                for (int i = 0; i < 200; i++) {
                    producer.send("moved", null, bytes("a" + i));
                }
                producer.flush();
                long to = leader % 3 + 1;
                client.admin().transferLeader("moved", 0, to);
                LocalCluster.Await.until(Duration.ofSeconds(30), () -> agreedLeader(client, "moved", 0) == to,
                        () -> "leadership moved to node " + to);
                long backoffsBefore = client.retryBackoffs();
                List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    acks.add(producer.send("moved", null, bytes("b" + i)));
                }
                producer.flush();
                acks.forEach(a -> assertThat(a).succeedsWithin(Duration.ofSeconds(1)));
                assertThat(client.retryBackoffs()).as("the old leader named the new one: no back-off")
                        .isEqualTo(backoffsBefore);
            }
        }
    }

    @Test
    void aPartitionWhoseLeaderTheMetadataDoesNotKnowIsFoundThroughItsReplicasWithoutBackingOff() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("single", 3, 1, Map.of()); // each group on one node only
            for (int p = 0; p < 3; p++) {
                agreedLeader(client, "single", p);
            }
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            try (Producer producer = client.producer(pipelined())) {
                for (int i = 0; i < 300; i++) {
                    acks.add(producer.send("single", i % 3, null, bytes("s" + i), List.of()));
                }
                producer.flush();
            }
            acks.forEach(a -> assertThat(a).succeedsWithin(Duration.ofSeconds(1)));
            assertThat(client.retryBackoffs()).as("a replica or a hint named each leader: no back-off").isZero();
        }
    }
}
