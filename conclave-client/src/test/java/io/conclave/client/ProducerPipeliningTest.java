package io.conclave.client;

import static io.conclave.client.ProducerTest.await;
import static io.conclave.client.ProducerTest.awaitTrue;
import static io.conclave.client.ProducerTest.str;
import static io.conclave.client.ProducerTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An idempotent producer pipelines up to {@code inFlightPerPartitionMax} batches per partition,
 * resends the ones that fail in sequence order, and follows a leader hint without a back-off.
 */
class ProducerPipeliningTest {

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

    private static List<String> values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "v" + i).toList();
    }

    @Test
    void anIdempotentProducerKeepsFiveBatchesInFlightPerPartitionAndAcksThemInOrder() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.holdResponses();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            for (String v : values(8)) {
                sent.add(p.send("t", null, utf8(v)));
            }
            awaitTrue(() -> cluster.heldResponses() == 5);
            assertThat(cluster.produceCalls).as("a sixth batch waits for an ack").hasSize(5);
            assertThat(sent).noneMatch(CompletableFuture::isDone);
            cluster.releaseHeld();
            for (int i = 0; i < 8; i++) {
                assertThat(await(sent.get(i)).offset()).isEqualTo(i);
            }
        }
        assertThat(cluster.acceptedProduces()).extracting(c -> c.request().getSequence())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue())).containsExactlyElementsOf(values(8));
    }

    @Test
    void batchesFailingTogetherAreResentInSequenceOrderToTheHintedLeaderWithoutABackOff() throws Exception {
        cluster.createTopic("t", 1, 3);
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("first")));
            cluster.freezeMetadata(); // metadata keeps naming node 1: only the hint leads to node 3
            cluster.setLeader("t", 0, 3);
            for (String v : values(40)) {
                sent.add(p.send("t", null, utf8(v)));
            }
            p.flush();
        }
        for (int i = 0; i < 40; i++) {
            assertThat(await(sent.get(i)).offset()).isEqualTo(i + 1);
        }
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue())).containsSubsequence(values(40))
                .hasSize(41);
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::outcome).contains("NOT_LEADER");
        // gRPC may start calls queued on a connection that is still opening in any order, so the
        // leader (here the fake, like a real node) parks a batch that arrives ahead of its gap.
        assertThat(cluster.acceptedProduces()).extracting(c -> c.request().getSequence()).doesNotHaveDuplicates()
                .hasSize(41);
        assertThat(client.retryBackoffs()).as("every retry followed the hint at once").isZero();
    }

    @Test
    void batchesRefusedForAGapWhileAnEarlierOneWaitsAreResentBehindItInOrder() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.refuseGaps();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("first")));
            cluster.backPressure(1); // the next batch waits out a back-off while later ones may overtake it
            for (String v : values(30)) {
                sent.add(p.send("t", null, utf8(v)));
            }
            p.flush();
        }
        for (int i = 0; i < 30; i++) {
            assertThat(await(sent.get(i)).offset()).isEqualTo(i + 1);
        }
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue())).containsSubsequence(values(30)).hasSize(31);
        assertThat(cluster.acceptedProduces()).extracting(c -> c.request().getSequence()).doesNotHaveDuplicates();
    }

    @Test
    void withoutAHintTheProducerBacksOffAndCountsIt() throws Exception {
        cluster.createTopic("t", 1, 3);
        cluster.leaderHints(false);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("first")));
            cluster.freezeMetadata();
            cluster.setLeader("t", 0, 2);
            CompletableFuture<RecordMetadata> second = p.send("t", null, utf8("second"));
            awaitTrue(() -> client.retryBackoffs() > 0);
            cluster.unfreezeMetadata();
            assertThat(await(second).offset()).isEqualTo(1);
        }
    }

    @Test
    void resendsThatFollowALeaderHintAtOnceDoNotUseUpTheRetryBudget() throws Exception {
        cluster.createTopic("t", 1, 3);
        // Two retries that wait out a back-off; hops to a named leader are free (at most 3 in a row).
        ProducerConfig config = ProducerConfig.defaults().withLingerMs(0).withRetries(2, 60_000);
        try (Producer p = client.producer(config)) {
            await(p.send("t", null, utf8("first")));
            // An election under load: for six calls each node names a leader that then refuses too.
            cluster.failProduces(ErrorCode.NOT_LEADER, 6);
            CompletableFuture<RecordMetadata> during = p.send("t", null, utf8("during"));
            assertThat(await(during).offset()).isEqualTo(1);
        }
        assertThat(cluster.produceCalls).extracting(FakeCluster.ProduceCall::outcome)
                .containsSubsequence("NOT_LEADER", "NOT_LEADER", "NOT_LEADER", "NOT_LEADER", "NOT_LEADER", "NOT_LEADER", "OK");
        assertThat(client.retryBackoffs()).as("one back-off after each 3 hops in a row").isEqualTo(1);
    }

    @Test
    void aBatchThatFailsForGoodFailsTheLaterBatchesOfItsProducerIdRatherThanReorderingThem() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("first")));
            cluster.failProduces(ErrorCode.STORAGE_FULL, 1);
            CompletableFuture<RecordMetadata> failed = p.send("t", null, utf8("a"));
            assertThat(ProducerTest.failure(failed).code()).isEqualTo(ErrorCode.STORAGE_FULL);
            assertThat(await(p.send("t", null, utf8("b"))).offset()).isEqualTo(1);
        }
        assertThat(cluster.log("t", 0)).extracting(r -> str(r.getValue())).containsExactly("first", "b");
    }

    @Test
    void anIdempotentProducerRefusesMoreThanFiveInFlight() {
        assertThatThrownBy(() -> ProducerConfig.defaults().withInFlightPerPartitionMax(6).validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inFlightPerPartitionMax");
        assertThat(ProducerConfig.defaults().withIdempotent(false).withInFlightPerPartitionMax(6).validate()
                .inFlightPerPartitionMax()).isEqualTo(6);
    }

    @Test
    void anIdempotentEventualProducerKeepsOneBatchInFlightAsItsBatchesMayFollowAGap() {
        assertThat(ProducerConfig.defaults().inFlightMax()).isEqualTo(5);
        assertThat(ProducerConfig.defaults().withConsistency(io.conclave.api.proto.ConsistencyLevel.EVENTUAL)
                .inFlightMax()).isEqualTo(1);
        assertThat(ProducerConfig.defaults().withIdempotent(false)
                .withConsistency(io.conclave.api.proto.ConsistencyLevel.EVENTUAL).inFlightMax()).isEqualTo(5);
    }
}
