/**
 * JMH benchmarks of one group's {@link io.conclave.storage.segment.SegmentLog} on the real disk: the raw
 * cost of append + fsync that the shared write-ahead log is designed to amortize. Single-threaded;
 * touches only a temporary directory that it deletes.
 */
package io.conclave.bench.segment;
