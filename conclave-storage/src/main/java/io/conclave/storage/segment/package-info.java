/**
 * One Raft group's log in segment files: {@link io.conclave.storage.segment.SegmentLog} with CRC32C-framed
 * records, a sparse offset index and a time index per segment, crash recovery that truncates a torn tail
 * and refuses to serve a log corrupt before its tail, prefix compaction, suffix truncation, snapshot
 * reset and retention.
 *
 * <p>Called from the one thread that owns the group (its event loop or the WAL materializer); not
 * thread-safe. Touches files only through {@link io.conclave.storage.disk.Disk}; never reads a clock
 * (times are given by the caller).
 */
package io.conclave.storage.segment;
