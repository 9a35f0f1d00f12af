/**
 * Load programs for the storage layer: raw fsync latency, and durable appends of many groups
 * through the shared WAL with group commit versus per-group files with a batched fsync pass.
 * Runs by hand on a real disk ({@code StorageBench}), or through {@code bin/conclave bench --suite
 * storage}, which calls {@code StorageBench.run} and gets the figures back as a record.
 */
package io.conclave.bench.storage;
