package io.conclave.ops.http;

/**
 * Bounds of the HTTP endpoint.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks an ephemeral one
 * @param threads threads serving requests
 * @param queueCapacity requests waiting for a thread; beyond it the accepting thread serves them
 *     itself, which slows accepting down (back-pressure, never an unbounded queue)
 * @param backlog TCP accept backlog
 * @param closeWaitMs how long {@code close()} waits for requests in progress
 */
public record HttpConfig(String host, int port, int threads, int queueCapacity, int backlog, long closeWaitMs) {

    public static HttpConfig defaults(String host, int port) {
        return new HttpConfig(host, port, 2, 64, 50, 2_000);
    }

    public HttpConfig withThreads(int n) {
        return new HttpConfig(host, port, n, queueCapacity, backlog, closeWaitMs);
    }

    public HttpConfig validate() {
        require(host != null && !host.isBlank(), "host must be set");
        require(port >= 0 && port <= 65_535, "port must be 0 (ephemeral) to 65535: " + port);
        require(threads >= 1 && threads <= 64, "threads must be 1 to 64: " + threads);
        require(queueCapacity >= 1, "queueCapacity must be >= 1: " + queueCapacity);
        require(backlog >= 1, "backlog must be >= 1: " + backlog);
        require(closeWaitMs >= 0, "closeWaitMs must be >= 0: " + closeWaitMs);
        return this;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid http config: " + msg);
        }
    }
}
