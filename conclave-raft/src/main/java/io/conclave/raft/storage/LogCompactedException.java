package io.conclave.raft.storage;

/** The requested index lies before the log's first index: it was compacted into a snapshot. */
public final class LogCompactedException extends RuntimeException {

    public LogCompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted (first index " + firstIndex + ")", null, false, false);
    }
}
