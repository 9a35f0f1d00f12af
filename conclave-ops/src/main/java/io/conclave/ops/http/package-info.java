/**
 * The node's HTTP endpoint on the JDK's {@code com.sun.net.httpserver}: {@code /metrics}
 * (Prometheus text), {@code /health/live} and {@code /health/ready}. Requests are served by a small
 * bounded pool of its own threads; handlers only read (a scrape, a readiness check) and never touch
 * the runtime's event loops directly.
 */
package io.conclave.ops.http;
