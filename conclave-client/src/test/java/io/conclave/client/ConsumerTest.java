package io.conclave.client;

import static io.conclave.client.ProducerTest.await;
import static io.conclave.client.ProducerTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsumerTest {

    private FakeCluster cluster;
    private ConclaveClient client;
    private Producer producer;

    @BeforeEach
    void start() throws Exception {
        cluster = FakeCluster.start(3);
        client = ConclaveClient.connect(cluster.clientConfig());
        producer = client.producer(ProducerConfig.defaults().withLingerMs(0));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        cluster.close();
    }

    private void produce(String topic, String key, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            await(producer.send(topic, utf8(key), utf8("v" + i), List.of(new Header("h", utf8("x" + i)))));
        }
    }

    /** Polls until {@code n} records came back, bounded by 50 polls. */
    private static List<ConsumerRecord> pollN(Consumer c, int n) {
        List<ConsumerRecord> out = new ArrayList<>();
        for (int i = 0; i < 50 && out.size() < n; i++) {
            out.addAll(c.poll(Duration.ofSeconds(5)));
        }
        return out;
    }

    private static String value(ConsumerRecord r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    @Test
    void pollReturnsRecordsInOrderAndAdvancesThePosition() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 10);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            List<ConsumerRecord> got = pollN(c, 10);
            assertThat(got).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(got.get(3)).satisfies(r -> {
                assertThat(value(r)).isEqualTo("v3");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k");
                assertThat(r.headers()).singleElement().satisfies(h -> {
                    assertThat(h.key()).isEqualTo("h");
                    assertThat(h.value()).isEqualTo(utf8("x3"));
                });
                assertThat(r.timestampMs()).isPositive();
                assertThat(r.topic()).isEqualTo("t");
            });
            assertThat(c.position("t", 0)).isEqualTo(10);
            produce("t", "k", 10, 12);
            assertThat(pollN(c, 2)).extracting(ConsumerRecord::offset).containsExactly(10L, 11L);
        }
    }

    @Test
    void smallMaxBytesStillReturnsOneRecordPerFetch() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 5);
        try (Consumer c = client.consumer(ConsumerConfig.defaults().withFetchBytesMax(1))) {
            c.assign("t", 0);
            assertThat(c.poll(Duration.ofSeconds(5))).hasSize(1);
            assertThat(pollN(c, 4)).extracting(ConsumerRecord::offset).containsExactly(1L, 2L, 3L, 4L);
        }
        assertThat(cluster.fetchCalls).allSatisfy(f -> assertThat(f.request().getMaxBytes()).isEqualTo(1));
    }

    @Test
    void anEmptyPartitionLongPollsAndWakesWhenARecordArrives() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Consumer c = client.consumer(ConsumerConfig.defaults().withFetchWaitMsMax(30_000))) {
            c.assign("t", 0);
            CompletableFuture<List<ConsumerRecord>> polled = CompletableFuture.supplyAsync(() -> c.poll(Duration.ofSeconds(30)));
            ProducerTest.awaitTrue(() -> cluster.fetchCalls.stream().anyMatch(f -> f.outcome().equals("PARKED")));
            assertThat(polled).isNotDone();
            produce("t", "k", 0, 1);
            assertThat(polled.get(20, TimeUnit.SECONDS)).extracting(ConsumerRecord::offset).containsExactly(0L);
        }
        assertThat(cluster.fetchCalls).first().satisfies(f -> assertThat(f.request().getMaxWaitMs()).isPositive());
    }

    @Test
    void aPollOnAnEmptyPartitionReturnsNothingAfterItsTimeout() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            assertThat(c.poll(Duration.ofMillis(50))).isEmpty();
            assertThat(c.position("t", 0)).isZero();
        }
    }

    @Test
    void pollReturnsAsSoonAsOnePartitionHasRecords() throws Exception {
        cluster.createTopic("t", 2, 3);
        await(producer.send("t", utf8("key-1"), utf8("only")));
        int full = cluster.log("t", 0).isEmpty() ? 1 : 0;
        try (Consumer c = client.consumer(ConsumerConfig.defaults().withFetchWaitMsMax(30_000))) {
            c.assign("t", 0, 1);
            List<ConsumerRecord> got = c.poll(Duration.ofSeconds(30));
            assertThat(got).singleElement().satisfies(r -> assertThat(r.partition()).isEqualTo(full));
        }
    }

    @Test
    void aFetchAnsweredNotLeaderRefreshesMetadataAndReroutes() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 3);
        cluster.leaderHints(false);
        // Its own client, so the producer's metadata refresh does not warn the consumer.
        try (ConclaveClient own = ConclaveClient.connect(cluster.clientConfig());
             Consumer c = own.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            assertThat(pollN(c, 3)).hasSize(3);
            cluster.setLeader("t", 0, 2);
            produce("t", "k", 3, 4);
            assertThat(pollN(c, 1)).extracting(ConsumerRecord::offset).containsExactly(3L);
            assertThat(c.position("t", 0)).isEqualTo(4);
        }
        assertThat(cluster.fetchCalls).extracting(FakeCluster.FetchCall::node, FakeCluster.FetchCall::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple(1L, "NOT_LEADER"));
        assertThat(cluster.fetchCalls).anySatisfy(f -> {
            assertThat(f.node()).isEqualTo(2L);
            assertThat(f.outcome()).startsWith("OK");
        });
    }

    @Test
    void aConsumerMovesOnWhenTheLeaderCrashes() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 3);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            assertThat(pollN(c, 3)).hasSize(3);
            cluster.setLeader("t", 0, 3);
            cluster.kill(1);
            produce("t", "k", 3, 5);
            assertThat(pollN(c, 2)).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
        }
    }

    @Test
    void aPositionPastTheLogSurfacesOffsetOutOfRange() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 2);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            c.seek("t", 0, 100);
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOfSatisfying(ConclaveException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
                assertThat(e).hasMessageContaining("offset 100 of t-0");
            });
            c.seekToBeginning("t", 0);
            assertThat(pollN(c, 2)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
        }
    }

    @Test
    void seekRereadsFromTheGivenOffset() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 5);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            assertThat(pollN(c, 5)).hasSize(5);
            c.seek("t", 0, 2);
            assertThat(pollN(c, 3)).extracting(ConsumerRecord::offset).containsExactly(2L, 3L, 4L);
        }
    }

    @Test
    void eventualReadsPreferAReplicaOnTheClientsRack() throws Exception {
        cluster.createTopic("t", 1, 3); // leader node 1, replicas 1, 2, 3; node 2 is on rack r2
        produce("t", "k", 0, 3);
        try (ConclaveClient onRack2 = ConclaveClient.connect(cluster.clientConfig().withRack("r2"));
             Consumer c = onRack2.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.EVENTUAL))) {
            c.assign("t", 0);
            assertThat(pollN(c, 3)).hasSize(3);
        }
        assertThat(cluster.fetchCalls).isNotEmpty().allSatisfy(f -> {
            assertThat(f.node()).isEqualTo(2L);
            assertThat(f.request().getConsistency()).isEqualTo(ConsistencyLevel.EVENTUAL);
        });
    }

    @Test
    void eventualReadsWithoutARackSpreadOverTheReplicas() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 1);
        try (Consumer c = client.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.EVENTUAL))) {
            c.assign("t", 0);
            for (int i = 0; i < 40; i++) {
                c.seek("t", 0, 0);
                assertThat(pollN(c, 1)).hasSize(1);
            }
        }
        assertThat(cluster.fetchCalls.stream().map(FakeCluster.FetchCall::node).distinct().count()).isGreaterThan(1);
    }

    @Test
    void eventualReadsLeaveAReplicaThatFailed() throws Exception {
        cluster.createTopic("t", 1, 3);
        produce("t", "k", 0, 2);
        try (ConclaveClient onRack2 = ConclaveClient.connect(cluster.clientConfig().withRack("r2"));
             Consumer c = onRack2.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.EVENTUAL))) {
            c.assign("t", 0);
            assertThat(pollN(c, 1)).isNotEmpty();
            cluster.kill(2);
            c.seek("t", 0, 0);
            assertThat(pollN(c, 2)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
        }
        assertThat(cluster.fetchCalls).anySatisfy(f -> assertThat(f.node()).isNotEqualTo(2L));
    }

    @Test
    void strongReadsGoToTheLeader() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.setLeader("t", 0, 3);
        produce("t", "k", 0, 2);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 0);
            assertThat(pollN(c, 2)).hasSize(2);
        }
        assertThat(cluster.fetchCalls).isNotEmpty().allSatisfy(f -> {
            assertThat(f.node()).isEqualTo(3L);
            assertThat(f.request().getConsistency()).isEqualTo(ConsistencyLevel.STRONG);
        });
    }

    @Test
    void usingAnUnassignedPartitionIsAProgrammerError() {
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            assertThatThrownBy(() -> c.poll(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("assign");
            assertThatThrownBy(() -> c.seek("t", 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not assigned");
        }
    }

    @Test
    void anUnknownPartitionSurfacesUnknownPartition() {
        cluster.createTopic("t", 2, 3);
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("t", 9);
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOfSatisfying(ConclaveException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION));
        }
    }

    @Test
    void anUnknownTopicSurfacesUnknownTopic() {
        try (Consumer c = client.consumer(ConsumerConfig.defaults())) {
            c.assign("missing", 0);
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOfSatisfying(ConclaveException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        }
    }
}
