package io.conclave.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProducerTest {

    private FakeCluster cluster;
    private ConclaveClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = FakeCluster.start(3);
        client = ConclaveClient.connect(cluster.clientConfig());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        cluster.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(com.google.protobuf.ByteString b) {
        return b.toStringUtf8();
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    static ConclaveException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ConclaveException.class);
            return (ConclaveException) e.getCause();
        }
        throw new AssertionError("expected the future to fail, it succeeded");
    }

    @Test
    void lingeringBatchesTakeFewerProduceCallsThanRecords() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(200))) {
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(p.send("t", null, utf8("v" + i)));
            }
            p.flush();
            for (int i = 0; i < 100; i++) {
                assertThat(await(sent.get(i))).isEqualTo(new RecordMetadata("t", 0, i));
            }
        }
        assertThat(cluster.acceptedProduces()).hasSizeLessThan(100);
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue())).startsWith("v0", "v1").endsWith("v99");
    }

    @Test
    void batchesCloseAtTheRecordLimit() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(60_000).withBatchLimits(1 << 20, 10))) {
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(p.send("t", null, utf8("v" + i)));
            }
            // Three full batches go out without a flush despite the minute-long linger.
            await(CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])));
        }
        assertThat(cluster.acceptedProduces()).allSatisfy(c -> assertThat(c.request().getRecordsCount()).isEqualTo(10));
    }

    @Test
    void keyedRecordsLandInThePartitionWhoseRangeHoldsTheirHash() throws Exception {
        cluster.createTopic("t", 4, 2);
        long[][] ranges = io.conclave.partition.metadata.KeyHash.evenRanges(4);
        Map<String, CompletableFuture<RecordMetadata>> sent = new HashMap<>();
        try (Producer p = client.producer(ProducerConfig.defaults())) {
            for (int i = 0; i < 200; i++) {
                sent.put("key-" + i, p.send("t", utf8("key-" + i), utf8("v" + i)));
            }
            p.flush();
        }
        for (Map.Entry<String, CompletableFuture<RecordMetadata>> e : sent.entrySet()) {
            long h = io.conclave.partition.metadata.KeyHash.of(utf8(e.getKey()));
            int expected = -1;
            for (int i = 0; i < 4; i++) {
                if (Long.compareUnsigned(ranges[i][0], h) <= 0 && Long.compareUnsigned(h, ranges[i][1]) <= 0) {
                    expected = i;
                }
            }
            RecordMetadata m = await(e.getValue());
            assertThat(m.partition()).as(e.getKey()).isEqualTo(expected);
            Record stored = cluster.log("t", expected).get((int) m.offset());
            assertThat(str(stored.getKey())).isEqualTo(e.getKey());
        }
        assertThat(sent.values().stream().map(f -> f.join().partition()).distinct()).hasSize(4);
    }

    @Test
    void unkeyedRecordsSpreadOverAllPartitions() throws Exception {
        cluster.createTopic("t", 3, 1);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(p.send("t", null, utf8("v" + i)));
            }
            p.flush();
            assertThat(sent.stream().map(f -> f.join().partition()).distinct()).containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void notLeaderWithAHintReroutesToTheHintedNode() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            assertThat(await(p.send("t", null, utf8("first"))).offset()).isZero();
            cluster.freezeMetadata(); // metadata keeps naming node 1: only the hint can lead to node 3
            cluster.setLeader("t", 0, 3);
            assertThat(await(p.send("t", null, utf8("second"))).offset()).isEqualTo(1);
        }
        List<FakeCluster.ProduceCall> calls = cluster.produceCalls;
        assertThat(calls).extracting(FakeCluster.ProduceCall::node, FakeCluster.ProduceCall::outcome)
                .containsSubsequence(org.assertj.core.groups.Tuple.tuple(1L, "NOT_LEADER"),
                        org.assertj.core.groups.Tuple.tuple(3L, "OK"));
    }

    @Test
    void notLeaderWithoutAHintRefreshesMetadataAndFindsTheNewLeader() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.leaderHints(false);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("first")));
            cluster.setLeader("t", 0, 2);
            assertThat(await(p.send("t", null, utf8("second"))).offset()).isEqualTo(1);
        }
        assertThat(cluster.acceptedProduces()).extracting(FakeCluster.ProduceCall::node).containsExactly(1L, 2L);
    }

    @Test
    void aCrashedLeaderIsReplacedWithoutLosingOrDuplicatingRecords() throws Exception {
        cluster.createTopic("t", 1, 3);
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(1))) {
            for (int i = 0; i < 100; i++) {
                if (i == 40) {
                    await(sent.get(39)); // node 1 has taken writes
                    cluster.setLeader("t", 0, 2);
                    cluster.kill(1); // also the only bootstrap address: the client must use the nodes it learned
                }
                sent.add(p.send("t", utf8("k"), utf8("v" + i)));
            }
            p.flush();
        }
        for (int i = 0; i < 100; i++) {
            assertThat(await(sent.get(i)).offset()).isEqualTo(i);
        }
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue()))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
        assertThat(cluster.acceptedProduces()).extracting(FakeCluster.ProduceCall::node).contains(1L, 2L);
    }

    @Test
    void droppedAcksAreRetriedWithTheSameSequenceAndWrittenOnce() throws Exception {
        cluster.createTopic("t", 1, 3);
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            cluster.dropAcks(3);
            for (int i = 0; i < 20; i++) {
                sent.add(p.send("t", utf8("k"), utf8("v" + i)));
            }
            p.flush();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(await(sent.get(i)).offset()).isEqualTo(i);
        }
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue()))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "v" + i).toList());
        List<FakeCluster.ProduceCall> duplicates = cluster.produceCalls.stream()
                .filter(c -> c.outcome().equals("DUPLICATE")).toList();
        assertThat(duplicates).hasSize(3);
        assertThat(cluster.produceCalls).allSatisfy(c -> assertThat(c.request().getProducerId()).isPositive());
        // Each dropped batch was resent with its own sequence, not a new one.
        for (FakeCluster.ProduceCall d : duplicates) {
            assertThat(cluster.produceCalls).filteredOn(c -> c.request().getSequence() == d.request().getSequence())
                    .extracting(FakeCluster.ProduceCall::outcome).containsExactly("OK+DROPPED", "DUPLICATE");
        }
    }

    @Test
    void anAckLostToTheDeadlineIsRetriedAndDeduplicated() throws Exception {
        cluster.createTopic("t", 1, 3);
        client.close();
        client = ConclaveClient.connect(cluster.clientConfig().withRequestTimeoutMs(300));
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("warm-up")));
            cluster.swallowAcks(1);
            assertThat(await(p.send("t", null, utf8("v"))).offset()).isEqualTo(1);
        }
        assertThat(cluster.log("t", 0)).hasSize(2);
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::outcome)
                .containsExactly("OK", "OK+SWALLOWED", "DUPLICATE");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ErrorCode.class,
            names = {"RECORD_TOO_LARGE", "UNKNOWN_TOPIC", "INVALID_REQUEST", "OUT_OF_ORDER_SEQUENCE", "STORAGE_FULL"})
    void finalErrorsFailTheBatchAtOnceWithTheirCode(ErrorCode code) throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.failProduces(code, 1);
        try (Producer p = client.producer(ProducerConfig.defaults())) {
            assertThat(failure(p.send("t", null, utf8("v"))).code()).isEqualTo(code);
        }
        assertThat(cluster.produceCalls).hasSize(1);
    }

    @Test
    void orderPerPartitionHoldsAcrossRetriesAndDrops() throws Exception {
        cluster.createTopic("t", 2, 3);
        Map<Integer, List<String>> expected = new HashMap<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(1).withBatchLimits(1 << 20, 7))) {
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i == 50) {
                    cluster.dropAcks(4);
                } else if (i == 120) {
                    cluster.backPressure(5);
                } else if (i == 200) {
                    cluster.failProduces(ErrorCode.LEADER_NOT_AVAILABLE, 3);
                }
                String v = "v" + i;
                values.add(v);
                sent.add(p.send("t", utf8("key-" + (i % 5)), utf8(v)));
            }
            p.flush();
            for (int i = 0; i < 300; i++) {
                expected.computeIfAbsent(await(sent.get(i)).partition(), k -> new ArrayList<>()).add(values.get(i));
            }
        }
        for (Map.Entry<Integer, List<String>> e : expected.entrySet()) {
            assertThat(cluster.log("t", e.getKey())).extracting(r -> str(r.getValue())).containsExactlyElementsOf(e.getValue());
        }
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::outcome)
                .contains("OK+DROPPED", "BACK_PRESSURE", "LEADER_NOT_AVAILABLE", "DUPLICATE");
    }

    @Test
    void sequencesStartAtZeroAndGrowByOnePerBatchPerPartition() throws Exception {
        cluster.createTopic("t", 2, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            for (int i = 0; i < 10; i++) {
                await(p.send("t", utf8("key-" + i), utf8("v")));
            }
        }
        for (int partition = 0; partition < 2; partition++) {
            int part = partition;
            List<Integer> seqs = cluster.acceptedProduces().stream().filter(c -> c.request().getPartition() == part)
                    .map(c -> c.request().getSequence()).toList();
            assertThat(seqs).isEqualTo(java.util.stream.IntStream.range(0, seqs.size()).boxed().toList());
        }
    }

    @Test
    void aNonIdempotentProducerSendsNoProducerId() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withIdempotent(false)
                .withConsistency(ConsistencyLevel.EVENTUAL))) {
            await(p.send("t", null, utf8("v")));
        }
        assertThat(cluster.produceCalls).singleElement().satisfies(c -> {
            assertThat(c.request().getProducerId()).isZero();
            assertThat(c.request().getConsistency()).isEqualTo(ConsistencyLevel.EVENTUAL);
        });
    }

    @Test
    void theDefaultConsistencyIsStrong() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults())) {
            await(p.send("t", null, utf8("v")));
        }
        assertThat(cluster.produceCalls).singleElement()
                .satisfies(c -> assertThat(c.request().getConsistency()).isEqualTo(ConsistencyLevel.STRONG));
    }

    @Test
    void gzipCompressionIsNegotiatedOnProduceCalls() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withCompression(ProducerConfig.Compression.GZIP));
             Producer plain = client.producer(ProducerConfig.defaults())) {
            await(p.send("t", null, utf8("x".repeat(1000))));
            await(plain.send("t", null, utf8("y")));
        }
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::encoding).containsExactly("gzip", "identity");
        assertThat(str(cluster.log("t", 0).get(0).getValue())).isEqualTo("x".repeat(1000));
    }

    @Test
    void serverBackPressureIsRetriedUntilAccepted() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.backPressure(2);
        try (Producer p = client.producer(ProducerConfig.defaults())) {
            assertThat(await(p.send("t", null, utf8("v"))).offset()).isZero();
        }
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::outcome)
                .containsExactly("BACK_PRESSURE", "BACK_PRESSURE", "OK");
    }

    @Test
    void retriesRunOutWithTheLastRetriableCode() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.backPressure(1_000);
        try (Producer p = client.producer(ProducerConfig.defaults().withRetries(2, 60_000))) {
            ConclaveException e = failure(p.send("t", null, utf8("v")));
            assertThat(e.code()).isEqualTo(ErrorCode.BACK_PRESSURE);
            assertThat(e).hasMessageContaining("3 attempts");
        }
        assertThat(cluster.produceCalls).hasSize(3);
    }

    @Test
    void anUnknownTopicFailsWithUnknownTopic() throws Exception {
        try (Producer p = client.producer(ProducerConfig.defaults().withTopicWaitMsMax(100))) {
            ConclaveException e = failure(p.send("nope", null, utf8("v")));
            assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
            assertThat(e).hasMessageContaining("nope");
        }
        assertThat(cluster.produceCalls).isEmpty();
    }

    @Test
    void aTopicCreatedWhileARecordWaitsIsFound() throws Exception {
        try (Producer p = client.producer(ProducerConfig.defaults().withTopicWaitMsMax(30_000))) {
            CompletableFuture<RecordMetadata> f = p.send("late", null, utf8("v"));
            cluster.createTopic("late", 1, 1);
            assertThat(await(f).offset()).isZero();
        }
    }

    @Test
    void aRecordTooLargeForTheServerFailsAtOnceAndTheNextBatchStillGoesThrough() throws Exception {
        cluster.createTopic("t", 1, 3, Map.of("max.message.bytes", "100"));
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            ConclaveException e = failure(p.send("t", null, new byte[500]));
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
            assertThat(cluster.produceCalls).hasSize(1);
            // The rejected batch's sequence is reused, so the server does not see a gap.
            assertThat(await(p.send("t", null, utf8("small"))).offset()).isZero();
        }
        assertThat(cluster.produceCalls).extracting(c -> c.request().getSequence()).containsExactly(0, 0);
    }

    @Test
    void aRecordLargerThanABatchIsRejectedBeforeSending() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withBatchLimits(1024, 100))) {
            ConclaveException e = failure(p.send("t", null, new byte[2048]));
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
            assertThat(e).hasMessageContaining("batchBytesMax");
        }
        assertThat(cluster.produceCalls).isEmpty();
    }

    @Test
    void anOutOfOrderSequenceIsNotRetriedAndANewProducerIdFollows() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            cluster.failProduces(ErrorCode.OUT_OF_ORDER_SEQUENCE, 1);
            assertThat(failure(p.send("t", null, utf8("a"))).code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            assertThat(await(p.send("t", null, utf8("b"))).offset()).isZero();
        }
        List<FakeCluster.ProduceCall> calls = cluster.produceCalls;
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).request().getProducerId()).isNotEqualTo(calls.get(0).request().getProducerId());
        assertThat(calls.get(1).request().getSequence()).isZero();
    }

    @Test
    void aFullBufferFailsSendsWithBackPressure() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.holdResponses();
        ProducerConfig config = ProducerConfig.defaults().withLingerMs(0).withBatchLimits(1024, 100)
                .withBuffer(4096, ProducerConfig.BufferFull.FAIL, 0);
        try (Producer p = client.producer(config)) {
            List<CompletableFuture<RecordMetadata>> accepted = new ArrayList<>();
            ConclaveException rejected = null;
            for (int i = 0; i < 100 && rejected == null; i++) {
                CompletableFuture<RecordMetadata> f = p.send("t", null, new byte[500]);
                if (f.isCompletedExceptionally()) {
                    rejected = failure(f);
                } else {
                    accepted.add(f);
                }
            }
            assertThat(rejected).isNotNull();
            assertThat(rejected.code()).isEqualTo(ErrorCode.BACK_PRESSURE);
            assertThat(accepted).hasSizeBetween(4, 8);
            cluster.releaseHeld();
            for (CompletableFuture<RecordMetadata> f : accepted) {
                await(f);
            }
            assertThat(p.bufferAvailableBytes()).isEqualTo(4096);
        }
    }

    @Test
    void aFullBlockingBufferBlocksTheSenderUntilAcksFreeSpace() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.holdResponses();
        ProducerConfig config = ProducerConfig.defaults().withLingerMs(0).withBatchLimits(1024, 100)
                .withBuffer(2048, ProducerConfig.BufferFull.BLOCK, 60_000);
        try (Producer p = client.producer(config)) {
            List<CompletableFuture<RecordMetadata>> first = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                first.add(p.send("t", null, new byte[600]));
            }
            CompletableFuture<CompletableFuture<RecordMetadata>> blocked = new CompletableFuture<>();
            Thread sender = new Thread(() -> blocked.complete(p.send("t", null, new byte[600])));
            sender.start();
            awaitState(sender, Thread.State.TIMED_WAITING);
            assertThat(blocked).isNotDone();
            awaitTrue(() -> cluster.heldResponses() >= 1);
            cluster.releaseHeld();
            CompletableFuture<RecordMetadata> late = blocked.get(20, TimeUnit.SECONDS);
            cluster.releaseHeld();
            p.flush();
            for (CompletableFuture<RecordMetadata> f : first) {
                await(f);
            }
            await(late);
        }
    }

    @Test
    void aBlockingBufferGivesUpAfterItsBound() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.holdResponses();
        ProducerConfig config = ProducerConfig.defaults().withLingerMs(0).withBatchLimits(1024, 100)
                .withBuffer(1024, ProducerConfig.BufferFull.BLOCK, 50);
        try (Producer p = client.producer(config)) {
            CompletableFuture<RecordMetadata> first = p.send("t", null, new byte[600]);
            ConclaveException e = failure(p.send("t", null, new byte[600]));
            assertThat(e.code()).isEqualTo(ErrorCode.BACK_PRESSURE);
            assertThat(e).hasMessageContaining("50 ms");
            cluster.releaseHeld();
            await(first);
        }
    }

    @Test
    void anExplicitPartitionOverridesRoutingAndAMissingOneFailsWithUnknownPartition() throws Exception {
        cluster.createTopic("t", 3, 1);
        try (Producer p = client.producer(ProducerConfig.defaults().withTopicWaitMsMax(100))) {
            assertThat(await(p.send("t", 2, utf8("key-1"), utf8("v"), List.of())).partition()).isEqualTo(2);
            assertThat(failure(p.send("t", 7, null, utf8("v"), List.of())).code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION);
        }
        assertThat(cluster.log("t", 2)).hasSize(1);
    }

    @Test
    void sendAfterCloseThrows() {
        Producer p = client.producer(ProducerConfig.defaults());
        p.close();
        assertThatThrownBy(() -> p.send("t", null, utf8("v"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        awaitTrue(() -> t.getState() == state);
    }

    /** Polls a condition with a bound (20 s), yielding between checks; fails when it never holds. */
    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition did not hold within 20 s");
            }
            synchronized (monitor) {
                monitor.wait(1);
            }
        }
    }
}
