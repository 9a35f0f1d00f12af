package io.conclave.ops.http;

/** Renders every metric in the Prometheus text format (e.g. {@code PrometheusMeterRegistry::scrape}). */
@FunctionalInterface
public interface MetricsSource {

    String scrape();
}
