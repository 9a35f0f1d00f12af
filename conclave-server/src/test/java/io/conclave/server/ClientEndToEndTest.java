package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.client.ConclaveClient;
import io.conclave.client.ConclaveException;
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

/** The Java client library against three real nodes: admin, batched idempotent produce, consume, a killed leader. */
class ClientEndToEndTest {

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

    private Map<Integer, List<ConsumerRecord>> consumeAll(ConclaveClient client, String topic, int partitions,
                                                          int expected, ConsistencyLevel level) {
        Map<Integer, List<ConsumerRecord>> out = new HashMap<>();
        try (Consumer consumer = client.consumer(ConsumerConfig.defaults().withConsistency(level))) {
            int[] ps = new int[partitions];
            for (int i = 0; i < partitions; i++) {
                ps[i] = i;
            }
            consumer.assign(topic, ps);
            int[] seen = {0};
            LocalCluster.Await.until(Duration.ofSeconds(60), () -> {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                    seen[0]++;
                }
                return seen[0] >= expected;
            }, () -> "consumed " + seen[0] + " of " + expected);
        }
        return out;
    }

    @Test
    void keyedRecordsProducedInBatchesAreConsumedInOrderPerPartition() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("orders", 4, 3, Map.of());
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            try (Producer producer = client.producer(ProducerConfig.defaults().withLingerMs(5))) {
                for (int i = 0; i < 2_000; i++) {
                    acks.add(producer.send("orders", bytes("customer-" + (i % 50)), bytes("event-" + i)));
                }
                producer.flush();
            }
            Map<String, RecordMetadata> where = new HashMap<>();
            for (int i = 0; i < acks.size(); i++) {
                where.put("event-" + i, acks.get(i).join());
            }
            Map<Integer, List<ConsumerRecord>> got = consumeAll(client, "orders", 4, 2_000, ConsistencyLevel.STRONG);
            Set<String> values = new HashSet<>();
            Map<String, Integer> lastIndexPerKey = new HashMap<>();
            for (List<ConsumerRecord> rs : got.values()) {
                for (int i = 0; i < rs.size(); i++) {
                    ConsumerRecord r = rs.get(i);
                    assertThat(r.offset()).isEqualTo(i);
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    assertThat(values.add(v)).as("duplicate %s", v).isTrue();
                    RecordMetadata m = where.get(v);
                    assertThat(m.partition()).isEqualTo(r.partition());
                    assertThat(m.offset()).isEqualTo(r.offset());
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    int idx = Integer.parseInt(v.substring("event-".length()));
                    Integer prev = lastIndexPerKey.put(key, idx);
                    assertThat(prev == null || prev < idx).as("per-key order of %s", key).isTrue();
                }
            }
            assertThat(values).hasSize(2_000);
            assertThatThrownBy(() -> client.admin().createTopic("orders", 1, 1, Map.of()))
                    .isInstanceOf(ConclaveException.class)
                    .satisfies(e -> assertThat(((ConclaveException) e).code()).isEqualTo(ErrorCode.TOPIC_EXISTS));
        }
    }

    @Test
    void aProducerRidesThroughItsLeaderBeingKilledWithoutLossOrDuplicates() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("stream", 1, 3, Map.of());
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            long killed = 0;
            try (Producer producer = client.producer(ProducerConfig.defaults().withLingerMs(2))) {
                for (int i = 0; i < 3_000; i++) {
                    acks.add(producer.send("stream", null, bytes("m" + i)));
                    if (i == 1_000) {
                        producer.flush();
                        killed = client.admin().describeTopic("stream").getPartitions(0).getLeader();
                        cluster.kill(killed);
                    }
                }
                producer.flush();
            }
            Set<Long> offsets = new HashSet<>();
            for (CompletableFuture<RecordMetadata> a : acks) {
                assertThat(offsets.add(a.join().offset())).isTrue();
            }
            cluster.start(killed);
            Map<Integer, List<ConsumerRecord>> got = consumeAll(client, "stream", 1, 3_000, ConsistencyLevel.LINEARIZABLE);
            List<ConsumerRecord> log = got.get(0);
            assertThat(log).hasSize(3_000);
            for (int i = 0; i < acks.size(); i++) {
                ConsumerRecord r = log.get((int) acks.get(i).join().offset());
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
            }
            LocalCluster.Await.until(Duration.ofSeconds(30), () -> {
                Set<Long> digests = new HashSet<>();
                for (long n = 1; n <= 3; n++) {
                    digests.add(client.admin().replicaDigest("stream", 0, n).getDigest());
                }
                return digests.size() == 1;
            }, () -> "replicas identical");
        }
    }

    @Test
    void aRollingRestartOfEveryNodeUnderARetryingProducerFailsNoWriteAndLosesNothing() {
        try (ConclaveClient client = start()) {
            client.admin().createTopic("rolling", 3, 3, Map.of());
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            try (Producer producer = client.producer(ProducerConfig.defaults().withLingerMs(2))) {
                int i = 0;
                for (long restart = 1; restart <= 3; restart++) {
                    for (int k = 0; k < 300; k++, i++) {
                        acks.add(producer.send("rolling", bytes("k" + (i % 17)), bytes("r" + i)));
                    }
                    producer.flush();
                    cluster.stop(restart); // graceful: leadership handed off first
                    for (int k = 0; k < 300; k++, i++) {
                        acks.add(producer.send("rolling", bytes("k" + (i % 17)), bytes("r" + i)));
                    }
                    producer.flush();
                    cluster.start(restart);
                    cluster.awaitReady(Duration.ofSeconds(60));
                }
            }
            for (CompletableFuture<RecordMetadata> a : acks) {
                assertThat(a).as("no write failed during the planned restarts").succeedsWithin(Duration.ofSeconds(1));
            }
            Map<Integer, List<ConsumerRecord>> got = consumeAll(client, "rolling", 3, acks.size(), ConsistencyLevel.STRONG);
            Set<String> values = new HashSet<>();
            got.values().forEach(rs -> rs.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8))));
            assertThat(values).hasSize(acks.size());
            assertThat(got.values().stream().mapToInt(List::size).sum()).isEqualTo(acks.size());
        }
    }
}
