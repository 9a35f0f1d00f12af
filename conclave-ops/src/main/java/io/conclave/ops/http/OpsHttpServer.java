package io.conclave.ops.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP endpoint:
 * <ul>
 *   <li>{@code GET /metrics}: every metric in the Prometheus text format (version 0.0.4);</li>
 *   <li>{@code GET /health/live}: 200 while the process runs;</li>
 *   <li>{@code GET /health/ready}: 200 when the readiness check says so, else 503 with its reason.</li>
 * </ul>
 * Other paths answer 404, other methods 405. Lifecycle: {@link #start}, then {@link #close()}
 * (idempotent) stops accepting, waits a bounded time for requests in progress and stops the threads.
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    private final HttpConfig config;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final MetricsSource metrics;
    private final ReadinessCheck readiness;
    private boolean closed;

    private OpsHttpServer(HttpConfig config, HttpServer server, ThreadPoolExecutor executor, MetricsSource metrics,
                          ReadinessCheck readiness) {
        this.config = config;
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /** Binds {@code config.host():config.port()} and starts serving. */
    public static OpsHttpServer start(HttpConfig config, MetricsSource metrics, ReadinessCheck readiness)
            throws IOException {
        config.validate();
        if (metrics == null || readiness == null) {
            throw new IllegalArgumentException("metrics and readiness are required");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), config.backlog());
        ThreadPoolExecutor executor = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), threads(config.port()),
                new ThreadPoolExecutor.CallerRunsPolicy());
        OpsHttpServer ops = new OpsHttpServer(config, server, executor, metrics, readiness);
        server.setExecutor(executor);
        server.createContext("/", ops::handle);
        server.start();
        LOG.info("http endpoint listening on {}:{} (/metrics, /health/live, /health/ready)", config.host(), ops.port());
        return ops;
    }

    private static ThreadFactory threads(int port) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ops-http-" + port + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The bound port (the ephemeral one when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(ex, 405, PLAIN_TEXT, "method " + method + " not allowed\n", false);
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/metrics":
                    respond(ex, 200, PROMETHEUS_TEXT, metrics.scrape(), head);
                    break;
                case "/health/live":
                    respond(ex, 200, PLAIN_TEXT, "live\n", head);
                    break;
                case "/health/ready":
                    Readiness r = checkReadiness();
                    respond(ex, r.ready() ? 200 : 503, PLAIN_TEXT, r.reason() + "\n", head);
                    break;
                default:
                    respond(ex, 404, PLAIN_TEXT, "no such endpoint: " + path
                            + " (try /metrics, /health/live, /health/ready)\n", head);
            }
        } catch (RuntimeException e) {
            LOG.warn("http request {} failed", ex.getRequestURI(), e);
            throw e;
        }
    }

    private Readiness checkReadiness() {
        try {
            return readiness.check();
        } catch (RuntimeException e) {
            return Readiness.notReady("readiness check failed: " + e);
        }
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting, waits up to {@code closeWaitMs} for requests in progress, stops the threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(config.closeWaitMs(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
