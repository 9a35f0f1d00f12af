/**
 * Micrometer meters over a node's runtime: {@link io.conclave.ops.metrics.ConclaveMetrics} binds
 * the runtime's, liveness's, transport's and storage's counters (read through a
 * {@link io.conclave.ops.metrics.RuntimeSampler} that takes one snapshot per scrape, not one per
 * meter), and the per-group figures of a {@link io.conclave.ops.metrics.GroupCensus}, which asks
 * every hosted group for its status on its own thread at a configured interval, in bounded
 * batches through the runtime's public {@code status} call. Meters are read on scrape threads;
 * nothing here runs on, or blocks, an event loop.
 */
package io.conclave.ops.metrics;
