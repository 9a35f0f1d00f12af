package io.conclave.client;

import io.conclave.api.proto.Record;
import java.util.concurrent.CompletableFuture;

/** A record accepted by {@code send}: its wire form, its buffer reservation and the caller's future. */
final class PendingRecord {

    final String topic;
    /** The partition the caller chose, or -1 to route by key hash (keyed) or spread (unkeyed). */
    final int partition;
    final byte[] key;
    final Record record;
    final int sizeBytes;
    final CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    private boolean released;

    PendingRecord(String topic, int partition, byte[] key, Record record, int sizeBytes) {
        this.topic = topic;
        this.partition = partition;
        this.key = key;
        this.record = record;
        this.sizeBytes = sizeBytes;
    }

    /** True the first time only: the buffer bytes are given back exactly once. */
    boolean release() {
        if (released) {
            return false;
        }
        released = true;
        return true;
    }
}
