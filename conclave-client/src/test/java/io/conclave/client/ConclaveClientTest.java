package io.conclave.client;

import static io.conclave.client.ProducerTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConclaveClientTest {

    private FakeCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = FakeCluster.start(2);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void metadataIsRefreshedPeriodically() throws Exception {
        try (ConclaveClient client = ConclaveClient.connect(cluster.clientConfig().withMetadataMaxAgeMs(20))) {
            assertThat(client.nodes()).hasSize(2);
            assertThat(client.metadata().topic("t")).isNull();
            cluster.createTopic("t", 2, 1);
            ProducerTest.awaitTrue(() -> client.metadata().topic("t") != null);
        }
    }

    @Test
    void closingTheClientFlushesItsProducersFirst() throws Exception {
        cluster.createTopic("t", 1, 1);
        ConclaveClient client = ConclaveClient.connect(cluster.clientConfig());
        Producer p = client.producer(ProducerConfig.defaults().withLingerMs(60_000));
        CompletableFuture<RecordMetadata> f = p.send("t", null, utf8("v"));
        client.close();
        assertThat(f).isCompletedWithValue(new RecordMetadata("t", 0, 0));
        assertThatThrownBy(() -> client.producer(ProducerConfig.defaults())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBugInTheSenderLoopFailsRecordsInsteadOfHangingThem() throws Exception {
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        try (ConclaveClient client = ConclaveClient.connect(cluster.clientConfig())) {
            AtomicReference<ConclaveException> reported = new AtomicReference<>();
            Sender sender = new Sender(client, ProducerConfig.defaults(), loop, bytes -> { }, reported::set);
            sender.guarded(() -> {
                throw new IllegalStateException("planted bug");
            }).run();
            assertThat(reported.get()).isNotNull();
            assertThat(reported.get().code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(reported.get()).hasMessageContaining("planted bug");
            AtomicBoolean ran = new AtomicBoolean();
            sender.guarded(() -> ran.set(true)).run();
            assertThat(ran).isFalse();
            assertThat(sender.broken()).isSameAs(reported.get());
        } finally {
            loop.shutdownNow();
            loop.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
