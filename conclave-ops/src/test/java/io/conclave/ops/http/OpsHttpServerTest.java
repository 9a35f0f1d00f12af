package io.conclave.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.notReady("starting: storage recovery"));
    private final AtomicInteger scrapes = new AtomicInteger();
    private OpsHttpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    private OpsHttpServer start() throws IOException {
        server = OpsHttpServer.start(HttpConfig.defaults("127.0.0.1", 0),
                () -> "# TYPE up gauge\nup " + scrapes.incrementAndGet() + "\n", readiness::get);
        return server;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void livenessAnswers200WhileTheServerRuns() throws Exception {
        start();
        HttpResponse<String> r = get("/health/live");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("live\n");
    }

    @Test
    void readinessIs503WithTheReasonUntilTheCheckPassesThen200() throws Exception {
        start();
        HttpResponse<String> before = get("/health/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("starting: storage recovery\n");
        readiness.set(Readiness.yes());
        HttpResponse<String> after = get("/health/ready");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("ready\n");
        readiness.set(Readiness.notReady("draining"));
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void aReadinessCheckThatThrowsMeansNotReady() throws Exception {
        server = OpsHttpServer.start(HttpConfig.defaults("127.0.0.1", 0), () -> "", () -> {
            throw new IllegalStateException("runtime gone");
        });
        HttpResponse<String> r = get("/health/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("readiness check failed", "runtime gone");
    }

    @Test
    void metricsAreServedAsPrometheusTextFreshOnEachScrape() throws Exception {
        start();
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("# TYPE up gauge\nup 1\n");
        assertThat(get("/metrics").body()).endsWith("up 2\n");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        start();
        HttpResponse<String> missing = get("/metrics/extra");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("/metrics/extra", "/health/ready");
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/health/live")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(scrapes.get()).isZero();
    }

    @Test
    void closeStopsServingAndIsIdempotent() throws Exception {
        start();
        URI live = uri("/health/live");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        server.close();
        server.close();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(live).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThatThrownBy(() -> HttpConfig.defaults("127.0.0.1", 70_000).validate())
                .hasMessageContaining("port must be 0 (ephemeral) to 65535");
        assertThatThrownBy(() -> HttpConfig.defaults("127.0.0.1", 0).withThreads(0).validate())
                .hasMessageContaining("threads must be 1 to 64");
    }
}
