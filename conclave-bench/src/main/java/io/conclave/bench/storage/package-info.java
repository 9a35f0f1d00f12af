/**
 * Load programs for the storage layer: raw fsync latency, and durable appends of many groups
 * through the shared WAL with group commit versus per-group files with a batched fsync pass.
 * Runs by hand on a real disk ({@code StorageBench}); never part of the test suite.
 */
package io.conclave.bench.storage;
